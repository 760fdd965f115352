// The usage job reading a local folder with worker threads, on real files: the same document as
// one thread, and an interrupt stops the workers.
// Worker threads load the compiled worker module, so this test drives the compiled job in dist/
// (built by test/global-setup.ts); the sources under test are the same.
import { beforeAll, describe, expect, it } from 'vitest';
import type * as UsageJobModule from '../../../src/usage/usage-job.js';
import type * as LocalDirectoryModule from '../../../src/usage/sources/local-directory.js';
import type * as HostModule from '../../../src/io/host.js';
import { assumeRoleEvent, ctEvent, iamUser, tempDir, writeTrailFile } from '../../helpers/cloudtrail.js';
import { fakeKeyId } from '../../helpers/fake-keys.js';

const dist = (path: string) => new URL(`../../../dist/src/${path}`, import.meta.url).href;
let job: typeof UsageJobModule;
let local: typeof LocalDirectoryModule;
let hosts: typeof HostModule;
const NOW = new Date('2024-06-01T00:00:00Z');
const OPEN = { since: null, until: null };

async function trail(): Promise<string> {
  const root = await tempDir('keyshift-parallel-');
  const keys = Array.from({ length: 3 }, () => fakeKeyId());
  const child = fakeKeyId('ASIA');
  for (let day = 1; day <= 4; day++) {
    for (const region of ['eu-west-1', 'us-east-1']) {
      const time = (h: number) => `2024-05-0${day}T${String(h).padStart(2, '0')}:00:00Z`;
      const records = keys.flatMap((k, i) => [
        ctEvent({ identity: day % 2 ? iamUser(k, `app-${i}`) : { accessKeyId: k }, eventName: 'GetObject', time: time(i + 1), region, requestParameters: { bucketName: 'b', key: `k/${day}` } }),
        ctEvent({ identity: { type: 'AssumedRole', accessKeyId: child, arn: 'arn:aws:sts::123456789012:assumed-role/r/s' }, eventSource: 'sqs.amazonaws.com', eventName: 'SendMessage', time: time(i + 5), region, requestParameters: { queueUrl: `https://sqs.${region}.amazonaws.com/123456789012/q` } }),
      ]);
      if (day === 3) records.push(assumeRoleEvent(iamUser(keys[day % 3]!), child, 'arn:aws:iam::123456789012:role/r', time(20)));
      await writeTrailFile(root, { region, delivered: new Date(Date.parse(time(23))), records });
    }
  }
  return root;
}

async function run(root: string, workers: number, extra: Partial<UsageJobModule.UsageJob> = {}) {
  const host = new hosts.RecordingHost();
  const result = await job.runUsageJob({ sources: [local.localDirectorySource(root, OPEN)], window: OPEN, host, now: NOW, workers, ...extra });
  return { ...result, host };
}

describe('the usage job with worker threads', () => {
  let root: string;
  beforeAll(async () => {
    job = (await import(dist('usage/usage-job.js'))) as typeof UsageJobModule;
    local = (await import(dist('usage/sources/local-directory.js'))) as typeof LocalDirectoryModule;
    hosts = (await import(dist('io/host.js'))) as typeof HostModule;
    root = await trail();
  });

  it('gives the document one thread gives', async () => {
    const one = await run(root, 1);
    for (const n of [2, 3]) expect((await run(root, n)).usage).toEqual(one.usage);
    expect(one.usage.keys.flatMap((k) => k.sessions)).toHaveLength(1);
  });

  it('stops its workers when interrupted while they read', async () => {
    const controller = new AbortController();
    // the interrupt comes as the folder starts to be read: the workers are already starting
    const host = new hosts.RecordingHost();
    const notify = host.notify.bind(host);
    host.notify = (event) => {
      notify(event);
      if (event.type === 'phase') controller.abort();
    };
    const error = await job
      .runUsageJob({ sources: [local.localDirectorySource(root, OPEN)], window: OPEN, host, now: NOW, workers: 2, signal: controller.signal })
      .catch((e: unknown) => e);
    expect((error as { kind?: string }).kind).toBe('interrupted');
  });
});
