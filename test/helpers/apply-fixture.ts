// An account ready for `keyshift apply`, on the real moto server: the demo's two applications
// seeded, their hosts written as fixture roots, scanned, their trail written, usage learned
// and a plan made (in-process, as `keyshift demo` does), plus an instance metadata emulator
// that answers with the role moto has associated. Tests then run the real binary on it.
import { DescribeIamInstanceProfileAssociationsCommand, DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient, ListAccessKeysCommand, ListAttachedRolePoliciesCommand, ListInstanceProfilesCommand, ListPoliciesCommand, ListRolesCommand, ListUsersCommand } from '@aws-sdk/client-iam';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { prepareDemoPlan, type DemoPlan } from '../../src/demo/prepare-demo-plan.js';
import { writeRoleTrail } from '../../src/demo/demo-trail.js';
import { startImdsEmulator, type ImdsEmulator } from '../../src/demo/imds-emulator.js';
import { motoRoleResolver } from '../../src/demo/instance-role-resolver.js';
import { silentHost } from '../../src/io/host.js';
import { afterAll, beforeAll } from 'vitest';
import type { Moto } from './moto.js';
import { runCli, type CliResult } from './run-cli.js';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export interface ApplyFixture extends DemoPlan {
  moto: Moto;
  imds: ImdsEmulator;
  journalPath: string;
  /** the first apply's clock: an hour after the documents */
  t0: Date;
  /** the options every apply/rollback/finalize of this fixture takes */
  executorArgs: string[];
  /** runs `keyshift <command> <plan or journal> --yes ...` at the clock `at` */
  run(command: 'apply' | 'rollback' | 'finalize' | 'status', at: Date, extra?: string[], env?: Record<string, string>): Promise<CliResult>;
  /** the applications' calls under their new roles, at `at` (what the verify step looks for) */
  writeRoleTrail(at: Date): Promise<void>;
  close(): Promise<void>;
}

const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

export async function applyFixture(moto: Moto, options: { quietDays?: number; soakDays?: number } = {}): Promise<ApplyFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'keyshift-apply-'));
  const asOf = new Date(Math.ceil((Date.now() + 15 * DAY) / HOUR) * HOUR);
  const prepared = await prepareDemoPlan({ endpoint: moto.endpoint, dir, asOf, host: silentHost, env: { ...process.env, ...moto.env }, ...options });
  const resolver = motoRoleResolver(moto.endpoint, 'us-east-1');
  const imds = await startImdsEmulator(resolver);
  const journalPath = join(dir, 'plan.journal.ndjson');
  const executorArgs = ['--endpoint-url', moto.endpoint, '--hosts-root', prepared.hostsRoot, '--imds-endpoint', imds.url, '--trail', prepared.trailDir];
  return {
    ...prepared,
    moto,
    imds,
    journalPath,
    t0: new Date(asOf.getTime() + HOUR),
    executorArgs,
    run(command, at, extra = [], env = {}) {
      const subject = command === 'apply' ? prepared.planPath : journalPath;
      const args = command === 'status' ? ['status', subject, ...extra] : [command, subject, '--yes', ...executorArgs, ...extra];
      return runCli(args, { env: { ...moto.env, KEYSHIFT_NOW: at.toISOString(), ...env }, timeoutMs: 120_000 });
    },
    writeRoleTrail: (at) =>
      writeRoleTrail(
        prepared.trailDir,
        prepared.account.apps.map((app) => ({ app, roleName: prepared.plan.workloads.find((w) => w.instances.some((i) => i.instanceId === app.instanceId))!.role.name })),
        prepared.ipOf,
        at,
      ),
    async close() {
      await imds.close();
      resolver.close();
    },
  };
}

/**
 * One fixture for a test file (or a describe block): moto reset, then a fresh fixture, before
 * its tests; closed after. Returns a getter, since the fixture exists only once beforeAll ran.
 */
export function useApplyFixture(moto: () => Moto): () => ApplyFixture {
  let f: ApplyFixture | undefined;
  beforeAll(async () => {
    await moto().reset();
    f = await applyFixture(moto());
  }, 120_000);
  afterAll(async () => {
    await f?.close();
  });
  return () => {
    if (!f) throw new Error('the fixture is used before beforeAll made it');
    return f;
  };
}

export interface AccountSnapshot {
  roles: string[];
  policies: string[];
  profiles: string[];
  keys: string[];
  instances: string[];
}

/** What apply changes and rollback restores, in comparable form (no IDs that moto regenerates). */
export async function accountSnapshot(endpoint: string): Promise<AccountSnapshot> {
  const iam = new IAMClient({ region: 'us-east-1', endpoint, credentials });
  const ec2 = new EC2Client({ region: 'us-east-1', endpoint, credentials });
  try {
    const roles: string[] = [];
    for (const r of (await iam.send(new ListRolesCommand({}))).Roles ?? []) {
      const attached = (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: r.RoleName! }))).AttachedPolicies ?? [];
      roles.push(`${r.Path}${r.RoleName} [${attached.map((a) => a.PolicyArn).sort().join(' ')}]`);
    }
    const policies = ((await iam.send(new ListPoliciesCommand({ Scope: 'Local' }))).Policies ?? []).map((p) => p.Arn!);
    const profiles = ((await iam.send(new ListInstanceProfilesCommand({}))).InstanceProfiles ?? []).map((p) => `${p.Arn} [${(p.Roles ?? []).map((r) => r.RoleName).join(' ')}]`);
    const keys: string[] = [];
    for (const u of (await iam.send(new ListUsersCommand({}))).Users ?? []) {
      for (const k of (await iam.send(new ListAccessKeysCommand({ UserName: u.UserName! }))).AccessKeyMetadata ?? []) keys.push(`${u.UserName} ${k.AccessKeyId} ${k.Status}`);
    }
    const associations = (await ec2.send(new DescribeIamInstanceProfileAssociationsCommand({}))).IamInstanceProfileAssociations ?? [];
    const instances: string[] = [];
    for (const r of (await ec2.send(new DescribeInstancesCommand({}))).Reservations ?? []) {
      for (const i of r.Instances ?? []) {
        const profile = associations.filter((a) => a.InstanceId === i.InstanceId && a.State !== 'disassociated').map((a) => a.IamInstanceProfile?.Arn);
        const m = i.MetadataOptions;
        instances.push(`${i.InstanceId} profile=${profile.join(',') || 'none'} tokens=${m?.HttpTokens} hops=${m?.HttpPutResponseHopLimit} endpoint=${m?.HttpEndpoint}`);
      }
    }
    return { roles: roles.sort(), policies: policies.sort(), profiles: profiles.sort(), keys: keys.sort(), instances: instances.sort() };
  } finally {
    iam.destroy();
    ec2.destroy();
  }
}

/** Every file of the hosts' roots but keyshift's own (backups, restart requests), with its bytes. */
export async function hostFiles(hostsRoot: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (dir: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      const rel = relative(hostsRoot, p);
      if (/(^|\/)(var\/lib\/keyshift|run\/keyshift)(\/|$)/.test(rel)) continue;
      if (e.isDirectory()) await walk(p);
      else out[rel] = await readFile(p, 'latin1');
    }
  };
  await walk(hostsRoot);
  return out;
}
