// scan aws --ssm against a fake Systems Manager. moto runs no SSM commands and has neither
// DescribeInstanceInformation nor ListCommandInvocations, so these tests answer the SSM calls
// in SDK middleware: a fake agent that runs the script keyshift sent, for real, with sh,
// against a fixture root per instance (each with its own /var/tmp), and cuts its output to
// SSM's 24,000 (stdout) and 8,000 (stderr) characters. What comes back must be exactly what
// the TypeScript scanner finds on the same root; every other instance must say why it was
// not scanned.
import { spawnSync } from 'node:child_process';
import { readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsContext } from '../../../src/aws/aws-context.js';
import { RecordingHost } from '../../../src/io/host.js';
import { scanHost } from '../../../src/scan/host/scan-host.js';
import { encodePayload, readHostPayload, withoutComments } from '../../../src/scan/aws/ssm/host-payload.js';
import { scanHostsViaSsm, type SsmScanOptions } from '../../../src/scan/aws/ssm/scan-hosts-via-ssm.js';
import type { SsmHostScan } from '../../../src/scan/aws/ssm/ssm-host-scan.js';
import { SSMClient } from '@aws-sdk/client-ssm';
import { fakeKeyId, fakeSecret } from '../../helpers/fake-keys.js';
import { makeTempDir, removeTempDirs } from '../../helpers/git-repo.js';
import { fixtureHost, HostRoot } from '../../helpers/host-root.js';

afterAll(removeTempDirs);

const REGION = 'eu-west-1';
const ENV = { AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKEFAKE', AWS_SECRET_ACCESS_KEY: 'fake', AWS_REGION: REGION };
// The script names these; the fake agent puts each instance's own root and /var/tmp there.
const ROOT = '/fake-agent-root';
const WORK = '/fake-agent-var-tmp';

type Behaviour = 'run' | 'timed-out' | 'never-ends' | 'no-sha256' | 'canned';

interface FakeInstance {
  ping?: 'Online' | 'ConnectionLost';
  platform?: 'Linux' | 'Windows';
  /** not registered with Systems Manager */
  unregistered?: boolean;
  root?: string;
  behaviour?: Behaviour;
}

interface Invocation {
  status: string;
  details: string;
  stdout: string;
  stderr: string;
  polled: number;
}

class FakeSsm {
  readonly calls: { name: string; input: Record<string, unknown> }[] = [];
  readonly sentScripts: string[][] = [];
  private readonly commands = new Map<string, Map<string, Invocation>>();
  private readonly workDirs = new Map<string, string>();
  cannedStdout = '';
  denyDescribe = false;

  constructor(private readonly instances: Record<string, FakeInstance>) {}

  workDirOf(id: string): string {
    let dir = this.workDirs.get(id);
    if (!dir) this.workDirs.set(id, (dir = makeTempDir(`keyshift-var-tmp-${id}-`)));
    return dir;
  }

  attach(aws: AwsContext): void {
    const client = aws.client(SSMClient, REGION) as unknown as { middlewareStack: { add(mw: unknown, o: unknown): void } };
    client.middlewareStack.add(
      (_next: unknown, context: { commandName?: string }) => async (args: { input: Record<string, unknown> }) => {
        const name = context.commandName ?? '';
        this.calls.push({ name, input: args.input });
        return { output: { ...this.answer(name, args.input), $metadata: {} }, response: {} };
      },
      { step: 'initialize', name: 'fakeSsmAgent' },
    );
  }

  private answer(name: string, input: Record<string, unknown>): Record<string, unknown> {
    switch (name) {
      case 'DescribeInstanceInformationCommand': {
        if (this.denyDescribe) throw Object.assign(new Error('denied'), { name: 'AccessDeniedException' });
        const ids = (input.Filters as { Key: string; Values: string[] }[])[0]!.Values;
        expect(ids.length).toBeLessThanOrEqual(50);
        return {
          InstanceInformationList: ids
            .filter((id) => this.instances[id] && !this.instances[id]!.unregistered)
            .map((id) => ({ InstanceId: id, PingStatus: this.instances[id]!.ping ?? 'Online', PlatformType: this.instances[id]!.platform ?? 'Linux', PlatformName: 'Amazon Linux' })),
        };
      }
      case 'SendCommandCommand':
        return { Command: { CommandId: this.send(input) } };
      case 'ListCommandInvocationsCommand': {
        const invocations = this.commands.get(input.CommandId as string)!;
        // the first look finds every invocation still running
        return {
          CommandInvocations: [...invocations].map(([id, inv]) => {
            const running = inv.polled++ === 0 || inv.status === 'InProgress';
            return { CommandId: input.CommandId, InstanceId: id, Status: running ? 'InProgress' : inv.status, StatusDetails: running ? 'InProgress' : inv.details };
          }),
        };
      }
      case 'GetCommandInvocationCommand': {
        const inv = this.commands.get(input.CommandId as string)!.get(input.InstanceId as string)!;
        return { Status: inv.status, StatusDetails: inv.details, StandardOutputContent: inv.stdout, StandardErrorContent: inv.stderr };
      }
      default:
        throw new Error(`the fake SSM does not answer ${name}`);
    }
  }

  private send(input: Record<string, unknown>): string {
    const ids = input.InstanceIds as string[];
    expect(ids.length).toBeLessThanOrEqual(50);
    const parameters = input.Parameters as { commands: string[] };
    // a reported limit of SendCommand parameters; the payload travels compressed to stay under it
    expect(JSON.stringify(parameters).length).toBeLessThan(16_384);
    this.sentScripts.push(parameters.commands);
    const commandId = `cmd-${this.commands.size + 1}`;
    const invocations = new Map<string, Invocation>();
    for (const id of ids) invocations.set(id, this.run(id, parameters.commands.join('\n')));
    this.commands.set(commandId, invocations);
    return commandId;
  }

  /** The agent's run of the script on one instance. */
  private run(id: string, script: string): Invocation {
    const instance = this.instances[id]!;
    const behaviour = instance.behaviour ?? 'run';
    if (behaviour === 'timed-out') return { status: 'TimedOut', details: 'ExecutionTimedOut', stdout: '', stderr: '', polled: 0 };
    if (behaviour === 'never-ends') return { status: 'InProgress', details: 'InProgress', stdout: '', stderr: '', polled: 0 };
    if (behaviour === 'canned' && script.includes('scan-host.sh')) return { status: 'Success', details: 'Success', stdout: this.cannedStdout, stderr: '', polled: 0 };
    const local = script.replaceAll(WORK, this.workDirOf(id)).replaceAll(ROOT, instance.root ?? '/nonexistent');
    const env = behaviour === 'no-sha256' ? { ...process.env, PATH: binWithoutHashTools() } : process.env;
    const result = spawnSync('/bin/sh', ['-c', local], { encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
    return { status: 'Success', details: 'Success', stdout: result.stdout.slice(0, 24_000), stderr: result.stderr.slice(0, 8_000), polled: 0 };
  }
}

/** A PATH with every tool the scripts use but no SHA-256 tool. */
function binWithoutHashTools(): string {
  const bin = makeTempDir('keyshift-bin-');
  for (const tool of ['sh', 'awk', 'find', 'stat', 'head', 'grep', 'tr', 'wc', 'readlink', 'sed', 'cut', 'mktemp', 'ls', 'uname', 'date', 'mv', 'rm', 'cat', 'mkdir', 'gzip', 'base64', 'tail']) {
    const path = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
    if (path) symlinkSync(path, join(bin, tool));
  }
  return bin;
}

/** A host with many keys: its output needs several chunks. */
function busyHost(): string {
  const root = new HostRoot().file('/etc/passwd', 'root:x:0:0:root:/root:/bin/sh\n');
  for (let i = 0; i < 40; i++) root.file(`/srv/app${i}/.env`, `AWS_ACCESS_KEY_ID=${fakeKeyId()}\nAWS_SECRET_ACCESS_KEY=${fakeSecret()}\nAWS_PROFILE=none\n`);
  return root.root;
}

function fakeClock(): { now: () => number; sleep: (ms: number) => Promise<void> } {
  let t = 0;
  return { now: () => t, sleep: async (ms) => void (t += ms) };
}

async function scan(fake: FakeSsm, ids: string[], extra: Partial<SsmScanOptions> = {}): Promise<SsmHostScan[]> {
  const aws = new AwsContext({ region: REGION }, ENV);
  fake.attach(aws);
  try {
    return await scanHostsViaSsm(aws, {
      region: REGION,
      instances: ids.map((instanceId) => ({ instanceId, ...(instanceId.startsWith('i-win-ec2') && { platform: 'windows' }) })),
      hostRoot: ROOT,
      workDir: WORK,
      nonce: 'testnonce01',
      ...fakeClock(),
      ...extra,
    });
  } finally {
    aws.destroy();
  }
}

describe('scanHostsViaSsm (a fake SSM agent in SDK middleware: moto runs no SSM commands)', () => {
  const fixture = fixtureHost();
  const busy = busyHost();
  const instances: Record<string, FakeInstance> = {
    'i-0fixture0000000001': { root: fixture.root },
    'i-0busy000000000002': { root: busy },
    'i-0unregistered0003': { unregistered: true },
    'i-0connectionlost04': { ping: 'ConnectionLost' },
    'i-0winssm0000000005': { platform: 'Windows' },
    'i-win-ec2-000000006': {},
    'i-0timedout00000007': { behaviour: 'timed-out' },
    'i-0neverends0000008': { behaviour: 'never-ends' },
    'i-0nosha25600000009': { root: fixture.root, behaviour: 'no-sha256' },
  };
  const fake = new FakeSsm(instances);
  let results: SsmHostScan[];

  beforeAll(async () => {
    results = await scan(fake, Object.keys(instances), { chunkSize: 500, deliveryTimeoutSeconds: 60, executionTimeoutSeconds: 60 });
  });

  const byId = (id: string) => results.find((r) => r.instanceId === id)!;

  it('gives every instance a status, in the order asked, and a reason for each one not scanned', () => {
    expect(results.map((r) => [r.instanceId, r.status])).toEqual([
      ['i-0fixture0000000001', 'scanned'],
      ['i-0busy000000000002', 'scanned'],
      ['i-0unregistered0003', 'not-managed'],
      ['i-0connectionlost04', 'not-managed'],
      ['i-0winssm0000000005', 'not-linux'],
      ['i-win-ec2-000000006', 'not-linux'],
      ['i-0timedout00000007', 'failed'],
      ['i-0neverends0000008', 'failed'],
      ['i-0nosha25600000009', 'failed'],
    ]);
    expect(byId('i-0unregistered0003').reason).toMatch(/not registered with Systems Manager/);
    expect(byId('i-0connectionlost04').reason).toMatch(/ConnectionLost/);
    expect(byId('i-0winssm0000000005').reason).toMatch(/Windows/);
    expect(byId('i-0timedout00000007').reason).toMatch(/ExecutionTimedOut/);
    expect(byId('i-0neverends0000008').reason).toMatch(/no answer within 180 s/);
    expect(byId('i-0nosha25600000009').reason).toMatch(/exited with 3: scan-host.sh: no SHA-256 tool/);
    for (const r of results.filter((r) => r.status !== 'scanned')) expect(r.findings).toEqual([]);
  });

  it("finds on each host exactly what the TypeScript scanner finds on the same root, located on the instance", async () => {
    for (const [id, root] of [['i-0fixture0000000001', fixture.root], ['i-0busy000000000002', busy]] as const) {
      const direct = await scanHost({ root, hostName: id, includeProcesses: true, host: new RecordingHost() });
      expect(byId(id).findings).toEqual(direct.findings);
      expect(byId(id).findings.length).toBeGreaterThan(30);
      expect(byId(id).findings.every((f) => 'host' in f.location && f.location.host === id)).toBe(true);
    }
  });

  it('brings output past one chunk back in several commands, and leaves nothing behind on the hosts', () => {
    const chunkCommands = fake.sentScripts.filter((s) => s.some((l) => l.includes('KEYSHIFT 1 chunk')));
    // chunk N goes to every host whose output has one: fewer hosts each time
    const sentTo = fake.calls.filter((c) => c.name === 'SendCommandCommand' && String(c.input.Comment).includes('chunk')).map((c) => (c.input.InstanceIds as string[]).length);
    expect(chunkCommands.length).toBeGreaterThan(2);
    expect(sentTo[0]).toBe(2);
    expect(sentTo.at(-1)).toBe(1);
    for (const id of ['i-0fixture0000000001', 'i-0busy000000000002', 'i-0nosha25600000009']) expect(readdirSync(fake.workDirOf(id))).toEqual([]);
  });

  it('asks Systems Manager only about instances EC2 does not already know to be Windows', () => {
    const asked = fake.calls.filter((c) => c.name === 'DescribeInstanceInformationCommand').flatMap((c) => (c.input.Filters as { Values: string[] }[])[0]!.Values);
    expect(asked).not.toContain('i-win-ec2-000000006');
    expect(asked).toContain('i-0unregistered0003');
  });

  it('sends fifty instances to a command at most, and says which could not be asked when SSM denies DescribeInstanceInformation', async () => {
    const many: Record<string, FakeInstance> = {};
    for (let i = 0; i < 120; i++) many[`i-0many${String(i).padStart(12, '0')}`] = { behaviour: 'canned' };
    const canned = new FakeSsm(many);
    const empty = new HostRoot().file('/etc/passwd', 'root:x:0:0:root:/root:/bin/sh\n').root;
    // one real run on an empty host, replayed for every instance
    const probe = new FakeSsm({ 'i-0probe00000000001': { root: empty } });
    await scan(probe, ['i-0probe00000000001']);
    canned.cannedStdout = (probe as unknown as { commands: Map<string, Map<string, Invocation>> }).commands.get('cmd-1')!.get('i-0probe00000000001')!.stdout;
    const results = await scan(canned, Object.keys(many), { fanOut: 2 });
    expect(results.every((r) => r.status === 'scanned' && r.findings.length === 0)).toBe(true);
    const sends = canned.calls.filter((c) => c.name === 'SendCommandCommand').map((c) => (c.input.InstanceIds as string[]).length);
    expect(sends).toEqual([50, 50, 20]);

    const denied = new FakeSsm({ 'i-0denied000000001': {} });
    denied.denyDescribe = true;
    const [result] = await scan(denied, ['i-0denied000000001']);
    expect(result).toMatchObject({ status: 'failed', reason: expect.stringMatching(/denied ssm:DescribeInstanceInformation/) });
  });

  it('carries a payload that fits a command and unpacks to the payload without its comments', async () => {
    const payload = await readHostPayload();
    const encoded = encodePayload(payload);
    expect(encoded.length).toBeLessThan(14_000);
    expect(gunzipSync(Buffer.from(encoded, 'base64')).toString('utf8')).toBe(withoutComments(payload));
  });
});
