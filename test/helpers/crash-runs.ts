// What the crash tests share: the three apply phases of the demo migration (as the pipeline
// test runs them), where the k-th mutating call overall falls among them, the account and
// hosts in a form comparable across fixtures (moto makes new instance and key IDs for each),
// counts of what a repeated call would duplicate, and the journal's view of the calls.
import { EC2Client, DescribeIamInstanceProfileAssociationsCommand } from '@aws-sdk/client-ec2';
import { GetInstanceProfileCommand, IAMClient, ListInstanceProfilesCommand, ListPoliciesCommand, ListPolicyVersionsCommand, ListRolesCommand, ListAttachedRolePoliciesCommand } from '@aws-sdk/client-iam';
import { readFile } from 'node:fs/promises';
import { accountSnapshot, DAY, HOUR, hostFiles, type AccountSnapshot, type ApplyFixture } from './apply-fixture.js';
import type { CliResult } from './run-cli.js';

const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

export interface ApplyPhase {
  name: string;
  at: (f: ApplyFixture) => Date;
  /** the exit code the phase ends with when nothing goes wrong: 75 waiting, 0 done */
  exitCode: number;
  /** what happens in the world before the phase runs (the applications' calls on their roles) */
  before?: (f: ApplyFixture) => Promise<void>;
}

/** The uninterrupted migration: attach and cutover; verification two days on; the quiet period, IMDSv2 and deactivation. */
export const APPLY_PHASES: readonly ApplyPhase[] = [
  { name: 'attach+cutover', at: (f) => f.t0, exitCode: 75 },
  { name: 'verify', at: (f) => new Date(f.t0.getTime() + 2 * DAY), exitCode: 75, before: (f) => f.writeRoleTrail(new Date(f.t0.getTime() + 2 * HOUR)) },
  { name: 'quiet+imdsv2+deactivate', at: (f) => new Date(f.t0.getTime() + 4 * DAY), exitCode: 0 },
];

export interface PhaseRun extends CliResult {
  /** mutating calls the run sent (its --json result), null when it printed none (killed) */
  calls: number | null;
}

/** `keyshift apply --json` for a phase (resuming the journal or starting it), with extra options, optionally killed after its call `crashAfterCall`. */
export async function runPhase(f: ApplyFixture, index: number, options: { resume: boolean; extra?: string[]; crashAfterCall?: number }): Promise<PhaseRun> {
  const phase = APPLY_PHASES[index]!;
  const env: Record<string, string> = options.crashAfterCall ? { KEYSHIFT_CRASH_AFTER_CALL: String(options.crashAfterCall) } : {};
  const r = await f.run('apply', phase.at(f), [...(options.resume ? ['--resume'] : []), '--json', ...(options.extra ?? [])], env);
  let calls: number | null = null;
  try {
    calls = (JSON.parse(r.stdout) as { mutatingCalls: number }).mutatingCalls;
  } catch {
    // a killed run prints nothing
  }
  return { ...r, calls };
}

/** Where the k-th mutating call overall (1-based) falls: the phase, and its number within that phase's run. */
export function crashPoint(callsPerPhase: readonly number[], k: number): { phase: number; call: number } {
  let before = 0;
  for (const [phase, n] of callsPerPhase.entries()) {
    if (k <= before + n) return { phase, call: k - before };
    before += n;
  }
  throw new Error(`call ${k} is past the last of ${before} calls`);
}

/**
 * Replaces what differs between fixtures by stable names: moto's instance and access key IDs
 * (`<reports-instance>`, `<reports-key>`) and each host's synthetic secret (`<reports-secret>`,
 * which also keeps it out of a failing test's diff).
 */
export function idNormaliser(f: ApplyFixture): (text: string) => string {
  const pairs = f.account.apps.flatMap((a) => [
    [a.instanceId, `<${a.name}-instance>`],
    [a.accessKeyId, `<${a.name}-key>`],
    [f.hosts.find((h) => h.instanceId === a.instanceId)!.secret, `<${a.name}-secret>`],
  ]);
  return (text) => pairs.reduce((t, [id, name]) => t.split(id!).join(name!), text);
}

/** What a repeated call would leave twice: policy versions, roles per profile, profile associations per instance, attachments per role. */
export interface ResourceCounts {
  roles: number;
  policies: number;
  profiles: number;
  /** per local policy ARN: how many versions it has */
  policyVersions: Record<string, number>;
  /** per profile: how many roles it holds */
  profileRoles: Record<string, number>;
  /** per role: how many managed policies are attached */
  roleAttachments: Record<string, number>;
  /** per instance: how many associations are not disassociated */
  associations: Record<string, number>;
}

export async function resourceCounts(endpoint: string): Promise<ResourceCounts> {
  const iam = new IAMClient({ region: 'us-east-1', endpoint, credentials });
  const ec2 = new EC2Client({ region: 'us-east-1', endpoint, credentials });
  try {
    const roles = (await iam.send(new ListRolesCommand({}))).Roles ?? [];
    const policies = (await iam.send(new ListPoliciesCommand({ Scope: 'Local' }))).Policies ?? [];
    const profiles = (await iam.send(new ListInstanceProfilesCommand({}))).InstanceProfiles ?? [];
    const counts: ResourceCounts = { roles: roles.length, policies: policies.length, profiles: profiles.length, policyVersions: {}, profileRoles: {}, roleAttachments: {}, associations: {} };
    for (const p of policies) counts.policyVersions[p.Arn!] = ((await iam.send(new ListPolicyVersionsCommand({ PolicyArn: p.Arn! }))).Versions ?? []).length;
    for (const p of profiles) counts.profileRoles[p.InstanceProfileName!] = ((await iam.send(new GetInstanceProfileCommand({ InstanceProfileName: p.InstanceProfileName! }))).InstanceProfile?.Roles ?? []).length;
    for (const r of roles) counts.roleAttachments[r.RoleName!] = ((await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: r.RoleName! }))).AttachedPolicies ?? []).length;
    for (const a of (await ec2.send(new DescribeIamInstanceProfileAssociationsCommand({}))).IamInstanceProfileAssociations ?? []) {
      if (a.State === 'disassociated') continue;
      counts.associations[a.InstanceId!] = (counts.associations[a.InstanceId!] ?? 0) + 1;
    }
    return counts;
  } finally {
    iam.destroy();
    ec2.destroy();
  }
}

export interface SettledState {
  account: AccountSnapshot;
  counts: ResourceCounts;
  files: Record<string, string>;
}

/** The account, the resource counts and every host file, with this fixture's IDs replaced by stable names. */
export async function settledState(f: ApplyFixture): Promise<SettledState> {
  const normalise = idNormaliser(f);
  const raw: SettledState = { account: await accountSnapshot(f.moto.endpoint), counts: await resourceCounts(f.moto.endpoint), files: await hostFiles(f.hostsRoot) };
  const state = JSON.parse(normalise(JSON.stringify(raw))) as SettledState;
  // the snapshot's lists are sorted by the raw IDs: sort again by the stable names
  for (const list of Object.values(state.account)) list.sort();
  return state;
}

export interface JournalCall {
  seq: number;
  api: string;
  target: string;
  stepId: string | null;
  undoOf: number | null;
  /** true: the call succeeded; false: it failed; null: no result record (the process died after sending it) */
  ok: boolean | null;
  /**
   * the run that sent it died before recording its result: no result at all, or one a later
   * run wrote when it found the call's effect in the live state (reconciled on resume)
   */
  lost: boolean;
}

/** The journal's mutating calls, each with how it ended. */
export async function journalCalls(path: string): Promise<JournalCall[]> {
  const records = (await readFile(path, 'utf8'))
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { type: string; runId?: string; seq?: number; api?: string; target?: string; stepId?: string | null; undoOf?: number | null; ok?: boolean });
  const results = new Map(records.filter((r) => r.type === 'result').map((r) => [r.seq!, r]));
  return records
    .filter((r) => r.type === 'intent')
    .map((r) => {
      const result = results.get(r.seq!);
      return { seq: r.seq!, api: r.api!, target: r.target!, stepId: r.stepId ?? null, undoOf: r.undoOf ?? null, ok: result ? result.ok! : null, lost: result?.runId !== r.runId };
    });
}

/** APIs that make something new each time they are sent: sent twice for one target, they leave a duplicate (or fail). */
const CREATING = /^(iam:Create|iam:AddRoleToInstanceProfile|iam:AttachRolePolicy|ec2:Create|ec2:AssociateIamInstanceProfile|ec2:ReplaceIamInstanceProfileAssociation|ssm:CreateDocument)/;

/**
 * Creating calls of apply (not rollback's) that went out more than once for one target:
 * a succeeded call, or one whose process died after it was sent (it reached AWS), counts.
 */
export function duplicatedCreates(calls: readonly JournalCall[]): string[] {
  const sent = new Map<string, number[]>();
  for (const c of calls) {
    if (c.undoOf !== null || c.ok === false || !CREATING.test(c.api)) continue;
    const key = `${c.api} ${c.target}`;
    sent.set(key, [...(sent.get(key) ?? []), c.seq]);
  }
  return [...sent].filter(([, seqs]) => seqs.length > 1).map(([key, seqs]) => `${key} (seq ${seqs.join(', ')})`);
}

/**
 * Calls sent again by design after a crash: a restart leaves no state to find, and
 * restarting again is harmless (src/apply/handlers/host-handlers.ts, restartService).
 */
const REPEATABLE = new Set(['host:restart']);

/**
 * Calls of apply that went out again after a crash: a call whose result its run never
 * recorded, followed by another intent of the same API on the same target. `--resume` must
 * find such a call done from the live state, not send it again.
 */
export function repeatedAfterCrash(calls: readonly JournalCall[]): string[] {
  const out: string[] = [];
  for (const c of calls) {
    if (!c.lost || c.undoOf !== null || REPEATABLE.has(c.api)) continue;
    const again = calls.filter((d) => d.seq > c.seq && d.undoOf === null && d.api === c.api && d.target === c.target);
    if (again.length > 0) out.push(`${c.api} ${c.target} (seq ${c.seq}, sent again as ${again.map((d) => `${d.seq} ${d.ok === null ? 'no result' : d.ok ? 'ok' : 'failed'}`).join(', ')})`);
  }
  return out;
}
