// The engine of `keyshift finalize` against moto, reading a real journal file written by the
// real journal session (the apply and rollback runs' UpdateAccessKey calls really sent to
// moto, at times set by the injected clock), a real trail directory as the CloudTrail
// evidence, and journaling its own deletes in the same file.
//
// Stand-ins, said where used: the host step that made a backup is journaled without a host
// (the call is the journal's record of it; no host executor is needed to write one), and the
// executor that deletes backups is a recording stand-in, because keyshift's local executor is
// not part of this test (its own tests run it on fixture roots).
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, ListAccessKeysCommand, UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { trailRoleEvidence } from '../../src/apply/evidence/trail-role-evidence.js';
import { finalizeKeys, type FinalizeInput } from '../../src/apply/finalize/finalize-keys.js';
import type { CutoverOp, HostExecutor, HostTarget } from '../../src/apply/host-executor.js';
import { JournalWriter, readJournal } from '../../src/apply/journal-file.js';
import { JournalSession } from '../../src/apply/journal-session.js';
import { foldJournal } from '../../src/apply/journal-state.js';
import { AwsContext } from '../../src/aws/aws-context.js';
import { isKeyshiftError } from '../../src/errors.js';
import type { JournalCommand } from '../../src/model/journal.js';
import { ACCOUNT, ctEvent, iamUser, writeTrailFile } from '../helpers/cloudtrail.js';
import { useMoto } from '../helpers/moto.js';

const moto = useMoto({ stubEnv: true });

const NOW = new Date('2025-06-20T00:00:00Z');
const DAY = 86_400_000;
const SOAK = 7 * 86_400;
const ago = (days: number) => new Date(NOW.getTime() - days * DAY);
const signal = new AbortController().signal;
const OPERATOR = { arn: `arn:aws:iam::${ACCOUNT}:user/operator`, accessKeyId: null };

const header = {
  type: 'header',
  kind: 'journal',
  version: 1,
  account: ACCOUNT,
  asOf: ago(10).toISOString(),
  generator: { name: 'keyshift', version: '0.0.0-test' },
  planId: 'plan-0123456789abcdef',
  plan: { path: 'plan.json', sha256: 'a'.repeat(64) },
} as const;

let dir: string;
let journalPath: string;
let trail: string;
let aws: AwsContext;
const iam = () => aws.client(IAMClient);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keyshift-finalize-'));
  journalPath = join(dir, 'plan.journal.ndjson');
  trail = join(dir, 'trail');
  await mkdir(trail);
  aws = new AwsContext({ endpointUrl: moto().endpoint, region: 'us-east-1' }, moto().env);
  const writer = await JournalWriter.open(journalPath);
  await writer.append(header);
  await writer.close();
});
afterEach(async () => {
  aws.destroy();
  await rm(dir, { recursive: true, force: true });
});

async function keyOf(userName: string): Promise<string> {
  await iam().send(new CreateUserCommand({ UserName: userName }));
  return (await iam().send(new CreateAccessKeyCommand({ UserName: userName }))).AccessKey!.AccessKeyId!;
}

async function statusOf(userName: string, accessKeyId: string): Promise<string | null> {
  const keys = (await iam().send(new ListAccessKeysCommand({ UserName: userName }))).AccessKeyMetadata ?? [];
  return keys.find((k) => k.AccessKeyId === accessKeyId)?.Status ?? null;
}

/** One run over the journal, as the executor makes it: a session appending to the file, at `at`. */
async function journalRun<T>(command: JournalCommand, at: Date, work: (session: JournalSession) => Promise<T>, options: { end?: boolean } = {}): Promise<T> {
  const state = foldJournal((await readJournal(journalPath)).records);
  const writer = await JournalWriter.open(journalPath);
  const session = new JournalSession(writer, state.nextSeq, () => at, signal);
  await session.start(command, {}, OPERATOR);
  try {
    const result = await work(session);
    if (options.end !== false) await session.end(command, 'done', 'ok');
    return result;
  } finally {
    await writer.close();
  }
}

/** The deactivate step's call, as apply journals it: really sent to moto. Returns its seq. */
async function deactivate(session: JournalSession, userName: string, accessKeyId: string): Promise<void> {
  await session.mutator({ stepId: `w/deactivate-access-key/${accessKeyId}`, workload: 'w' })(
    { api: 'iam:UpdateAccessKey', region: null, target: accessKeyId, args: { accessKeyId, userName, status: 'Inactive', previous: 'Active' } },
    () => iam().send(new UpdateAccessKeyCommand({ AccessKeyId: accessKeyId, UserName: userName, Status: 'Inactive' })),
    () => ({ accessKeyId, status: 'Inactive' }),
  );
}

/** A recording stand-in for the host executor (the real ones are tested on their own). */
function recordingHosts(): HostExecutor & { ran: { target: HostTarget; ops: readonly CutoverOp[] }[] } {
  const ran: { target: HostTarget; ops: readonly CutoverOp[] }[] = [];
  return {
    kind: 'local',
    ran,
    run: async (target, ops) => {
      ran.push({ target, ops });
      return ops.map((o) => ({ op: o.op, status: 'changed' as const, message: 'overwritten and removed' }));
    },
    describe: (target, ops) => ops.map((o) => `ssh ${target.host} keyshift-cutover ${o.op}`),
  };
}

async function finalize(at: Date, hosts: HostExecutor, soakSeconds = SOAK) {
  return journalRun('finalize', at, async (session) => {
    const { records } = await readJournal(journalPath);
    const input: FinalizeInput = {
      records,
      runId: session.runId,
      now: () => at,
      aws,
      evidence: trailRoleEvidence({ from: trail, aws: () => aws, account: ACCOUNT }),
      hosts,
      mutate: session.mutator({ stepId: null, workload: null }),
      soakSeconds,
      signal,
    };
    return finalizeKeys(input);
  });
}

describe('finalize', () => {
  it('deletes a key inactive past the soak, waits on a younger one, keeps one something still tries, leaves a reactivated one', async () => {
    const old = await keyOf('old');
    const young = await keyOf('young');
    const noisy = await keyOf('noisy');
    const back = await keyOf('back');

    // apply, ten days ago: the host step backed up and cleaned the file that held `old`, then three keys were deactivated
    await journalRun('apply', ago(10), async (s) => {
      // the host step's journal record (a stand-in call: no host here)
      await s.mutator({ stepId: 'w/remove-host-credential/x', workload: 'w' })(
        { api: 'host:remove-credential', region: 'eu-west-1', target: 'i-0123456789abcdef0:/home/app/.aws/credentials', args: { host: 'i-0123456789abcdef0', instanceId: 'i-0123456789abcdef0', path: '/home/app/.aws/credentials', backupId: 'ks-backup-1', accessKeyId: old, previous: null } },
        async () => ({ backupPath: '/var/lib/keyshift/backups/ks-backup-1' }),
        (r) => r,
      );
      await deactivate(s, 'old', old);
      await deactivate(s, 'noisy', noisy);
      await deactivate(s, 'back', back);
    });
    // a rollback the next day switched `back` on again
    await journalRun('rollback', ago(9), async (s) => {
      const seq = foldJournal((await readJournal(journalPath)).records).calls.find((c) => c.target === back)!.seq;
      await s.mutator({ stepId: null, workload: null, undoOf: seq })(
        { api: 'iam:UpdateAccessKey', region: null, target: back, args: { accessKeyId: back, userName: 'back', status: 'Active', previous: 'Inactive' } },
        () => iam().send(new UpdateAccessKeyCommand({ AccessKeyId: back, UserName: 'back', Status: 'Active' })),
      );
    });
    // apply --resume, two days ago: `young` deactivated
    await journalRun('apply', ago(2), (s) => deactivate(s, 'young', young));
    // something still tries `noisy`, and fails: its calls are in the trail
    await writeTrailFile(trail, {
      region: 'eu-west-1',
      delivered: ago(1),
      records: [ctEvent({ identity: iamUser(noisy, 'noisy'), eventName: 'GetObject', time: ago(1).toISOString().replace('.000Z', 'Z'), region: 'eu-west-1', ip: '203.0.113.50', errorCode: 'InvalidClientTokenId', requestParameters: { bucketName: 'reports', key: 'daily.csv' }, dataEvent: true })],
    });

    const hosts = recordingHosts();
    const report = await finalize(NOW, hosts);
    const byKey = new Map(report.keys.map((k) => [k.accessKeyId, k]));

    expect(byKey.get(old)).toMatchObject({ action: 'deleted' });
    expect(await statusOf('old', old)).toBeNull();

    expect(byKey.get(young)).toMatchObject({ action: 'waiting', until: new Date(ago(2).getTime() + SOAK * 1000) });
    expect(await statusOf('young', young)).toBe('Inactive');

    expect(byKey.get(noisy)?.action).toBe('kept');
    expect(byKey.get(noisy)?.reason).toContain('1 failed: InvalidClientTokenId');
    expect(byKey.get(noisy)?.reason).toContain('from 203.0.113.50');
    expect(await statusOf('noisy', noisy)).toBe('Inactive');

    expect(byKey.get(back)?.action).toBe('kept');
    expect(byKey.get(back)?.reason).toContain('rollback');
    expect(await statusOf('back', back)).toBe('Active');

    // the backup of the deleted key's file goes too, through the host executor
    expect(hosts.ran).toEqual([{ target: { instanceId: 'i-0123456789abcdef0', region: 'eu-west-1', host: 'i-0123456789abcdef0' }, ops: [{ op: 'delete-backup', path: '/home/app/.aws/credentials', backupId: 'ks-backup-1' }] }]);
    expect(report.backups).toEqual([expect.objectContaining({ accessKeyId: old, backupId: 'ks-backup-1', action: 'deleted' })]);

    // every delete is journaled, intent then result, in the finalize run; nothing else was sent
    const finalizeCalls = foldJournal((await readJournal(journalPath)).records).calls.filter((c) => c.api === 'iam:DeleteAccessKey' || c.api === 'host:delete-backup');
    expect(finalizeCalls.map((c) => [c.api, c.target, c.result?.ok])).toEqual([
      ['iam:DeleteAccessKey', old, true],
      ['host:delete-backup', 'i-0123456789abcdef0:/home/app/.aws/credentials', true],
    ]);

    // run again once `young`'s soak is over: it goes; `old` is not deleted twice
    const again = await finalize(new Date(ago(2).getTime() + SOAK * 1000 + 1000), recordingHosts());
    expect(new Map(again.keys.map((k) => [k.accessKeyId, k.action]))).toEqual(new Map([[old, 'deleted'], [young, 'deleted'], [noisy, 'kept'], [back, 'kept']]));
    expect(again.keys.find((k) => k.accessKeyId === old)?.reason).toContain('earlier finalize');
    expect(await statusOf('young', young)).toBeNull();
    expect(again.backups[0]).toMatchObject({ action: 'deleted', reason: expect.stringContaining('earlier finalize') });
    const deletes = foldJournal((await readJournal(journalPath)).records).calls.filter((c) => c.api === 'iam:DeleteAccessKey');
    expect(deletes.map((c) => c.target)).toEqual([old, young]);
  });

  it('refuses while the run that deactivated a key may still be going, and goes on once a later run shows it is over', async () => {
    const key = await keyOf('app');
    // an apply that has not ended (still running, or crashed)
    await journalRun('apply', ago(10), (s) => deactivate(s, 'app', key), { end: false });
    const error = await finalize(NOW, recordingHosts()).catch((e: unknown) => e);
    expect(isKeyshiftError(error) && error.kind).toBe('safety-gate');
    expect((error as Error).message).toContain(`${key} was deactivated by apply run`);
    expect(await statusOf('app', key)).toBe('Inactive');

    // apply --resume ran after it: the first run is over (it crashed), so finalize goes on
    await journalRun('apply', ago(9), async () => {});
    const report = await finalize(NOW, recordingHosts());
    expect(report.keys).toEqual([expect.objectContaining({ accessKeyId: key, action: 'deleted' })]);
  });

  it('keeps a key IAM saw used after its deactivation, and one reactivated outside keyshift', async () => {
    const used = await keyOf('used');
    const switched = await keyOf('switched');
    await journalRun('apply', ago(10), async (s) => {
      await deactivate(s, 'used', used);
      await deactivate(s, 'switched', switched);
    });
    await iam().send(new UpdateAccessKeyCommand({ AccessKeyId: switched, UserName: 'switched', Status: 'Active' }));
    // moto records a key's last use when a request is signed with it, even an inactive one (AWS refuses those before they count)
    const holder = new IAMClient({ region: 'us-east-1', endpoint: moto().endpoint, credentials: { accessKeyId: used, secretAccessKey: 'not-checked-by-moto' } });
    await holder.send(new ListAccessKeysCommand({ UserName: 'used' })).catch(() => undefined);
    holder.destroy();
    // finalize runs at the real time here: moto stamps the last use with its own clock
    const now = new Date(Date.now() + 60_000);
    const report = await journalRun('finalize', now, async (session) =>
      finalizeKeys({ records: (await readJournal(journalPath)).records, runId: session.runId, now: () => now, aws, evidence: trailRoleEvidence({ from: trail, aws: () => aws, account: ACCOUNT }), hosts: recordingHosts(), mutate: session.mutator({ stepId: null, workload: null }), soakSeconds: 0, signal }),
    );
    const byKey = new Map(report.keys.map((k) => [k.accessKeyId, k]));
    expect(byKey.get(switched)).toMatchObject({ action: 'kept', reason: expect.stringContaining('Active again') });
    expect(byKey.get(used)).toMatchObject({ action: 'kept', reason: expect.stringContaining('after its deactivation') });
    expect(await statusOf('used', used)).toBe('Inactive');
  });

  it('gives the commands for a backup on a host keyshift cannot reach', async () => {
    const key = await keyOf('app');
    await journalRun('apply', ago(10), async (s) => {
      await s.mutator({ stepId: 'w/remove-host-credential/x', workload: 'w' })(
        { api: 'host:remove-credential', region: null, target: 'build-box:/etc/app.env', args: { host: 'build-box', location: { type: 'host-file', host: 'build-box', path: '/etc/app.env', format: 'env' }, backupId: 'ks-backup-2', accessKeyId: key, previous: null } },
        async () => ({}),
      );
      await deactivate(s, 'app', key);
    });
    const none: HostExecutor = { kind: 'none', run: async () => [], describe: (t, ops) => ops.map((o) => `on ${t.host}: keyshift-cutover ${o.op} ${o.op === 'delete-backup' ? o.path : ''}`) };
    const report = await finalize(NOW, none);
    expect(report.keys[0]).toMatchObject({ action: 'deleted' });
    expect(report.backups).toEqual([expect.objectContaining({ action: 'manual', host: 'build-box', path: '/etc/app.env', commands: ['on build-box: keyshift-cutover delete-backup /etc/app.env'] })]);
  });
});
