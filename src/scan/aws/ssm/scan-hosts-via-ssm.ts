// `scan aws --ssm`: the host scan of every Linux instance Systems Manager manages, in one
// region, through SSM Run Command. The payload (scan-host.sh) runs on each host and sends
// back a redacted skeleton; keyshift turns it into the host's findings, located on the host
// named by its instance ID. Instances go fifty to a command, a few commands at a time;
// output beyond SSM's 24,000 characters comes back in chunks. Every instance ends with a
// status (scanned, not managed, not Linux, failed) and never a silent "clean".
import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { isAccessDenied } from '../../../aws/aws-error.js';
import type { AwsContext } from '../../../aws/aws-context.js';
import { throwIfAborted } from '../../../errors.js';
import type { IoHost } from '../../../io/host.js';
import { silentHost } from '../../../io/host.js';
import { findingsFromPayloadOutput } from '../../host/payload/parse-payload-output.js';
import { mapBounded } from '../iam/bounded-map.js';
import { encodePayload, readHostPayload } from './host-payload.js';
import { managedInstances, type Reachability } from './managed-instances.js';
import { MAX_INSTANCES_PER_COMMAND, runOnInstances, type RunTiming } from './run-on-instances.js';
import { chunkCount, chunkScript, DEFAULT_CHUNK_SIZE, readScriptAnswer, scanScript, type ScriptPlace } from './ssm-scripts.js';
import { unscanned, type SsmHostScan } from './ssm-host-scan.js';

export interface SsmCandidate {
  instanceId: string;
  /** the EC2 platform ("windows" for Windows, else absent): Windows is known without asking SSM */
  platform?: string | undefined;
}

export interface SsmScanOptions {
  region: string;
  instances: readonly SsmCandidate[];
  processes?: boolean;
  appDirs?: readonly string[];
  /** commands (of up to fifty instances each) in flight at once */
  fanOut?: number;
  deliveryTimeoutSeconds?: number;
  executionTimeoutSeconds?: number;
  host?: IoHost;
  /** for tests: the root the payload scans, where it keeps its output, the chunk size, the clock */
  hostRoot?: string;
  workDir?: string;
  chunkSize?: number;
  nonce?: string;
  pollIntervalMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

const DEFAULTS = { fanOut: 4, deliveryTimeoutSeconds: 600, executionTimeoutSeconds: 600, pollIntervalMs: 2_000 };

export async function scanHostsViaSsm(aws: AwsContext, options: SsmScanOptions): Promise<SsmHostScan[]> {
  const { region } = options;
  const host = options.host ?? silentHost;
  const results = new Map<string, SsmHostScan>();
  const linuxCandidates: string[] = [];
  for (const { instanceId, platform } of options.instances) {
    if (platform !== undefined && platform.toLowerCase() === 'windows') results.set(instanceId, unscanned(instanceId, region, 'not-linux', 'Windows: the host payload runs on Linux'));
    else linuxCandidates.push(instanceId);
  }

  let reachable: Map<string, Reachability> | undefined;
  try {
    reachable = await managedInstances(aws, region, linuxCandidates);
  } catch (e) {
    throwIfAborted(aws.signal);
    const reason = isAccessDenied(e) ? 'AWS denied ssm:DescribeInstanceInformation: whether Systems Manager manages it is unknown' : `DescribeInstanceInformation failed (${(e as Error).name})`;
    for (const id of linuxCandidates) results.set(id, unscanned(id, region, 'failed', reason));
  }
  const targets: string[] = [];
  for (const [id, r] of reachable ?? []) {
    if (r.reachable) targets.push(id);
    else results.set(id, unscanned(id, region, r.status, r.reason));
  }

  if (targets.length > 0) {
    const payload = encodePayload(await readHostPayload());
    const place: ScriptPlace = {
      nonce: options.nonce ?? randomBytes(8).toString('hex'),
      workDir: options.workDir ?? '/var/tmp',
      chunkSize: options.chunkSize ?? DEFAULT_CHUNK_SIZE,
    };
    const timing: RunTiming = {
      deliveryTimeoutSeconds: options.deliveryTimeoutSeconds ?? DEFAULTS.deliveryTimeoutSeconds,
      executionTimeoutSeconds: options.executionTimeoutSeconds ?? DEFAULTS.executionTimeoutSeconds,
      pollIntervalMs: options.pollIntervalMs ?? DEFAULTS.pollIntervalMs,
      sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
      now: options.now ?? Date.now,
    };
    const script = scanScript(payload, place, { root: options.hostRoot ?? '/', processes: options.processes ?? true, appDirs: options.appDirs });
    const batches: string[][] = [];
    for (let i = 0; i < targets.length; i += MAX_INSTANCES_PER_COMMAND) batches.push(targets.slice(i, i + MAX_INSTANCES_PER_COMMAND));
    let done = 0;
    await mapBounded(
      batches,
      options.fanOut ?? DEFAULTS.fanOut,
      async (batch) => {
        for (const scan of await scanBatch(aws, region, batch, script, place, timing, host)) {
          results.set(scan.instanceId, scan);
          host.notify({ type: 'progress', phase: 'ssm', done: ++done, total: targets.length, unit: 'instances' });
        }
      },
      aws.signal,
    );
  }
  return options.instances.map(({ instanceId }) => results.get(instanceId)!);
}

/** One command's instances: the scan, the chunks beyond the first, and each host's findings. */
async function scanBatch(aws: AwsContext, region: string, batch: string[], script: string[], place: ScriptPlace, timing: RunTiming, host: IoHost): Promise<SsmHostScan[]> {
  const scans: SsmHostScan[] = [];
  const pending = new Map<string, { encoding: 'gzip-base64' | 'base64'; size: number; exitCode: number; stderr: string; chunks: string[] }>();
  for (const [id, outcome] of await runOnInstances(aws, region, batch, script, timing, 'keyshift scan host')) {
    if (!outcome.ok) {
      scans.push(unscanned(id, region, 'failed', outcome.reason));
      continue;
    }
    const answer = readScriptAnswer(outcome.stdout);
    if (answer?.kind !== 'output') {
      scans.push(unscanned(id, region, 'failed', answer?.kind === 'failed' ? `the scan script failed (${answer.reason})` : 'the scan script printed no answer'));
      continue;
    }
    pending.set(id, { ...answer, stderr: outcome.stderr, chunks: [answer.chunk] });
  }

  const most = Math.max(0, ...[...pending.values()].map((p) => chunkCount(p.size, place.chunkSize)));
  for (let index = 1; index < most; index++) {
    const needing = [...pending].filter(([, p]) => chunkCount(p.size, place.chunkSize) > index).map(([id]) => id);
    for (const [id, outcome] of await runOnInstances(aws, region, needing, chunkScript(place, index), timing, `keyshift scan host: chunk ${index}`)) {
      const answer = outcome.ok ? readScriptAnswer(outcome.stdout) : undefined;
      if (answer?.kind === 'chunk' && answer.index === index) {
        pending.get(id)!.chunks.push(answer.chunk);
        continue;
      }
      const why = !outcome.ok ? outcome.reason : answer?.kind === 'failed' ? answer.reason : 'no answer';
      scans.push(unscanned(id, region, 'failed', `output lost after ${index} of ${chunkCount(pending.get(id)!.size, place.chunkSize)} chunks (${why})`));
      pending.delete(id);
    }
  }

  for (const [id, p] of pending) {
    throwIfAborted(aws.signal);
    scans.push(await hostScan(id, region, p, host, aws.signal));
  }
  return scans;
}

async function hostScan(
  instanceId: string,
  region: string,
  p: { encoding: 'gzip-base64' | 'base64'; size: number; exitCode: number; stderr: string; chunks: string[] },
  host: IoHost,
  signal: AbortSignal | undefined,
): Promise<SsmHostScan> {
  const encoded = p.chunks.join('');
  const payloadSaid = p.exitCode === 0 ? '' : ` (the payload exited with ${p.exitCode}${p.stderr.trim() ? `: ${p.stderr.trim().split('\n').at(-1)!.slice(0, 200)}` : ''})`;
  if (encoded.length !== p.size) return unscanned(instanceId, region, 'failed', `output cut short: ${encoded.length} of ${p.size} characters came back${payloadSaid}`);
  let text: string;
  try {
    const bytes = Buffer.from(encoded, 'base64');
    text = (p.encoding === 'gzip-base64' ? gunzipSync(bytes) : bytes).toString('utf8');
  } catch {
    return unscanned(instanceId, region, 'failed', `the output could not be decoded${payloadSaid}`);
  }
  try {
    const scanned = await findingsFromPayloadOutput(text, { hostName: instanceId, host, ...(signal && { signal }) });
    return { instanceId, region, status: 'scanned', findings: scanned.findings, problems: scanned.problems, stats: scanned.stats };
  } catch (e) {
    throwIfAborted(signal);
    return unscanned(instanceId, region, 'failed', `${(e as Error).message}${payloadSaid}`);
  }
}
