// One script on up to fifty instances through SSM Run Command, and what each one answered.
// The command is sent once (AWS-RunShellScript); its invocations are polled fifty at a time
// with ListCommandInvocations, more slowly as the wait grows; each one that ends is read with
// GetCommandInvocation. Every instance gets an outcome: its output, or why there is none
// (refused, not delivered, timed out, no answer by the deadline).
import { GetCommandInvocationCommand, ListCommandInvocationsCommand, SendCommandCommand, SSMClient, type CommandInvocation } from '@aws-sdk/client-ssm';
import { isAccessDenied } from '../../../aws/aws-error.js';
import type { AwsContext } from '../../../aws/aws-context.js';
import { throwIfAborted } from '../../../errors.js';

export type RunOutcome = { ok: true; stdout: string; stderr: string } | { ok: false; reason: string };

export interface RunTiming {
  /** how long SSM may take to deliver the command before giving up (SendCommand TimeoutSeconds) */
  deliveryTimeoutSeconds: number;
  /** how long the script may run (AWS-RunShellScript executionTimeout) */
  executionTimeoutSeconds: number;
  /** the first wait between polls; it grows by half each time, to 15 s */
  pollIntervalMs: number;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

export const MAX_INSTANCES_PER_COMMAND = 50;
const MAX_POLL_INTERVAL_MS = 15_000;
// Past delivery and execution, how long to wait for SSM to report the end.
const GRACE_SECONDS = 60;
const TERMINAL = new Set(['Success', 'Failed', 'TimedOut', 'Cancelled']);

export async function runOnInstances(aws: AwsContext, region: string, instanceIds: readonly string[], script: string[], timing: RunTiming, comment: string): Promise<Map<string, RunOutcome>> {
  if (instanceIds.length === 0) return new Map();
  if (instanceIds.length > MAX_INSTANCES_PER_COMMAND) throw new RangeError(`SendCommand takes at most ${MAX_INSTANCES_PER_COMMAND} instances`);
  const ssm = aws.client(SSMClient, region);
  const options = aws.signal ? { abortSignal: aws.signal } : {};
  const outcomes = new Map<string, RunOutcome>();
  const failAll = (reason: string) => {
    for (const id of instanceIds) if (!outcomes.has(id)) outcomes.set(id, { ok: false, reason });
    return outcomes;
  };

  let commandId: string | undefined;
  try {
    const sent = await ssm.send(
      new SendCommandCommand({
        DocumentName: 'AWS-RunShellScript',
        InstanceIds: [...instanceIds],
        Parameters: { commands: script, executionTimeout: [String(timing.executionTimeoutSeconds)] },
        TimeoutSeconds: timing.deliveryTimeoutSeconds,
        Comment: comment.slice(0, 100),
        MaxConcurrency: String(MAX_INSTANCES_PER_COMMAND),
        // one host failing says nothing about the others
        MaxErrors: '100%',
      }),
      options,
    );
    commandId = sent.Command?.CommandId;
  } catch (e) {
    throwIfAborted(aws.signal);
    return failAll(isAccessDenied(e) ? 'AWS denied ssm:SendCommand (grant it for AWS-RunShellScript on these instances)' : `SendCommand failed: ${errorName(e)}`);
  }
  if (!commandId) return failAll('SendCommand returned no command ID');

  const deadline = timing.now() + (timing.deliveryTimeoutSeconds + timing.executionTimeoutSeconds + GRACE_SECONDS) * 1000;
  let wait = timing.pollIntervalMs;
  const lastStatus = new Map<string, string>();
  while (outcomes.size < instanceIds.length) {
    throwIfAborted(aws.signal);
    if (timing.now() >= deadline) break;
    await timing.sleep(wait);
    wait = Math.min(MAX_POLL_INTERVAL_MS, Math.round(wait * 1.5));
    let invocations: CommandInvocation[];
    try {
      invocations = await listInvocations(ssm, commandId, options);
    } catch (e) {
      throwIfAborted(aws.signal);
      return failAll(isAccessDenied(e) ? 'AWS denied ssm:ListCommandInvocations' : `ListCommandInvocations failed: ${errorName(e)}`);
    }
    for (const inv of invocations) {
      const id = inv.InstanceId;
      if (!id || outcomes.has(id) || !instanceIds.includes(id)) continue;
      lastStatus.set(id, inv.StatusDetails ?? inv.Status ?? 'unknown');
      if (!TERMINAL.has(inv.Status ?? '')) continue;
      outcomes.set(id, await readInvocation(ssm, commandId, id, inv, options));
    }
  }
  for (const id of instanceIds) {
    if (!outcomes.has(id)) outcomes.set(id, { ok: false, reason: `no answer within ${timing.deliveryTimeoutSeconds + timing.executionTimeoutSeconds + GRACE_SECONDS} s (last status: ${lastStatus.get(id) ?? 'not reported'})` });
  }
  return outcomes;
}

async function listInvocations(ssm: SSMClient, commandId: string, options: { abortSignal?: AbortSignal }): Promise<CommandInvocation[]> {
  const all: CommandInvocation[] = [];
  let token: string | undefined;
  do {
    const page = await ssm.send(new ListCommandInvocationsCommand({ CommandId: commandId, MaxResults: MAX_INSTANCES_PER_COMMAND, NextToken: token }), options);
    all.push(...(page.CommandInvocations ?? []));
    token = page.NextToken;
  } while (token);
  return all;
}

async function readInvocation(ssm: SSMClient, commandId: string, instanceId: string, inv: CommandInvocation, options: { abortSignal?: AbortSignal }): Promise<RunOutcome> {
  let result;
  try {
    result = await ssm.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId }), options);
  } catch (e) {
    return { ok: false, reason: isAccessDenied(e) ? 'AWS denied ssm:GetCommandInvocation' : `GetCommandInvocation failed: ${errorName(e)}` };
  }
  if (inv.Status === 'Success' && result.Status === 'Success') return { ok: true, stdout: result.StandardOutputContent ?? '', stderr: result.StandardErrorContent ?? '' };
  const details = result.StatusDetails ?? inv.StatusDetails ?? inv.Status ?? 'failed';
  const stderr = (result.StandardErrorContent ?? '').trim().split('\n').slice(-2).join(' ').slice(0, 200);
  return { ok: false, reason: `the command ended ${details}${stderr ? `: ${stderr}` : ''}` };
}

function errorName(e: unknown): string {
  return (e as { name?: string } | null)?.name ?? 'error';
}
