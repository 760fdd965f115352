// The executor for EC2 instances: SSM Run Command with keyshift's own document (ssm-document.ts),
// never the stock AWS-RunShellScript, so what runs on an instance is exactly the payload this
// keyshift ships, whatever the command's parameters say. The document is made once per
// payload and region; each run sends one command to one instance and polls its invocation.
// Making the document and sending the command change the account: both go through `mutate`,
// so the journal has them.
import { CreateDocumentCommand, GetCommandInvocationCommand, GetDocumentCommand, SendCommandCommand, SSMClient, type GetCommandInvocationCommandOutput } from '@aws-sdk/client-ssm';
import type { AwsContext } from '../../aws/aws-context.js';
import { badInput, KeyshiftError, throwIfAborted } from '../../errors.js';
import type { CutoverOpResult, HostExecutor, HostTarget } from '../host-executor.js';
import type { StepContext } from '../step-handler.js';
import { parseCutoverOutput } from './cutover-output.js';
import { cutoverPayload } from './cutover-payload.js';
import { opLine, type HostOp } from './cutover-ops.js';
import { cutoverCommands } from './describe-executor.js';
import { contractResults } from './run-host-ops.js';
import { cutoverDocument, EXECUTION_TIMEOUT_SECONDS, type CutoverDocument } from './ssm-document.js';

export interface SsmHostExecutorOptions {
  aws: AwsContext;
  /** journals each mutating call (the run's StepContext['mutate']) */
  mutate: StepContext['mutate'];
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** the first wait between polls; it grows by half each time, to 15 s */
  pollIntervalMs?: number;
  /** how long SSM may take to deliver the command (SendCommand TimeoutSeconds, at least 30) */
  deliveryTimeoutSeconds?: number;
}

const TERMINAL = new Set(['Success', 'Failed', 'TimedOut', 'Cancelled', 'Cancelling']);
const MAX_POLL_INTERVAL_MS = 15_000;
// Past delivery and execution, how long to wait for SSM to report the end.
const GRACE_SECONDS = 60;
// A new document is Creating for a moment; SendCommand needs it Active.
const DOCUMENT_ACTIVE_POLLS = 20;

export class SsmHostExecutor implements HostExecutor {
  readonly kind = 'ssm' as const;
  private readonly documents = new Map<string, Promise<string>>();
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

  constructor(private readonly options: SsmHostExecutorOptions) {
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? Date.now;
  }

  async run(target: HostTarget, ops: readonly HostOp[], signal: AbortSignal): Promise<CutoverOpResult[]> {
    throwIfAborted(signal);
    if (ops.length === 0) return [];
    const instanceId = target.instanceId;
    if (!instanceId) throw badInput(`host ${target.host} is not known as an EC2 instance: SSM cannot reach it`, 'scan the host under its instance ID, or run its steps by hand');
    const region = target.region ?? this.options.aws.region;
    const ssm = this.options.aws.client(SSMClient, region);
    const documentName = await this.ensureDocument(ssm, region, signal);
    const lines = ops.map(opLine);
    const sent = await this.options.mutate(
      { api: 'ssm:SendCommand', region, target: instanceId, args: { documentName, instanceId, ops: lines } },
      () =>
        ssm.send(
          new SendCommandCommand({
            DocumentName: documentName,
            InstanceIds: [instanceId],
            Parameters: { ops: [Buffer.from(`${lines.join('\n')}\n`, 'utf8').toString('base64')] },
            TimeoutSeconds: Math.max(30, this.options.deliveryTimeoutSeconds ?? 120),
            Comment: `keyshift cutover: ${ops.map((o) => o.op).join(', ')}`.slice(0, 100),
          }),
          { abortSignal: signal },
        ),
      (r) => ({ commandId: r.Command?.CommandId ?? null }),
    );
    const commandId = sent.Command?.CommandId;
    if (!commandId) throw new KeyshiftError('aws-refused', `SendCommand to ${instanceId} returned no command ID`);
    const invocation = await this.waitFor(ssm, commandId, instanceId, signal);
    if (!invocation) {
      return contractResults(parseCutoverOutput('', ops, { detail: `no answer from ${instanceId} within ${this.deadlineSeconds()} s (command ${commandId})` }));
    }
    const detail = invocation.Status === 'Success' ? undefined : `the command ended ${invocation.StatusDetails ?? invocation.Status ?? 'unknown'}`;
    return contractResults(parseCutoverOutput(invocation.StandardOutputContent ?? '', ops, { detail }));
  }

  describe(target: HostTarget, ops: readonly HostOp[]): string[] {
    return cutoverCommands(target, ops);
  }

  /** The document's name once it exists (made by this call when it did not). */
  private ensureDocument(ssm: SSMClient, region: string, signal: AbortSignal): Promise<string> {
    let pending = this.documents.get(region);
    if (!pending) {
      pending = this.makeDocument(ssm, region, cutoverDocument(cutoverPayload()), signal);
      // a failed attempt is tried again by the next run
      pending.catch(() => this.documents.delete(region));
      this.documents.set(region, pending);
    }
    return pending;
  }

  private async makeDocument(ssm: SSMClient, region: string, doc: CutoverDocument, signal: AbortSignal): Promise<string> {
    const existing = await readDocument(ssm, doc.name, signal);
    if (existing) {
      checkSameContent(existing.content, doc);
      if (existing.status !== 'Active') await this.waitActive(ssm, doc.name, signal);
      return doc.name;
    }
    try {
      await this.options.mutate(
        { api: 'ssm:CreateDocument', region, target: doc.name, args: { name: doc.name, documentType: 'Command', documentFormat: 'JSON' } },
        () =>
          ssm.send(
            new CreateDocumentCommand({ Name: doc.name, DocumentType: 'Command', DocumentFormat: 'JSON', Content: doc.content, Tags: [{ Key: 'keyshift:managed', Value: 'true' }] }),
            { abortSignal: signal },
          ),
        (r) => ({ name: r.DocumentDescription?.Name ?? doc.name, status: r.DocumentDescription?.Status ?? null }),
      );
    } catch (e) {
      // another run made it first: the same name is the same payload, which the read checks
      if (errorName(e) !== 'DocumentAlreadyExists') throw e;
      const raced = await readDocument(ssm, doc.name, signal);
      if (raced) checkSameContent(raced.content, doc);
    }
    await this.waitActive(ssm, doc.name, signal);
    return doc.name;
  }

  private async waitActive(ssm: SSMClient, name: string, signal: AbortSignal): Promise<void> {
    for (let i = 0; i < DOCUMENT_ACTIVE_POLLS; i++) {
      const doc = await readDocument(ssm, name, signal);
      if (doc?.status === 'Active') return;
      if (doc?.status === 'Failed') throw new KeyshiftError('aws-refused', `SSM could not create the document ${name}`);
      throwIfAborted(signal);
      await this.sleep(500);
    }
    throw new KeyshiftError('aws-refused', `the SSM document ${name} did not become active`);
  }

  private deadlineSeconds(): number {
    return Math.max(30, this.options.deliveryTimeoutSeconds ?? 120) + EXECUTION_TIMEOUT_SECONDS + GRACE_SECONDS;
  }

  /** The invocation once it has ended, or undefined when the deadline passed first. */
  private async waitFor(ssm: SSMClient, commandId: string, instanceId: string, signal: AbortSignal): Promise<GetCommandInvocationCommandOutput | undefined> {
    const deadline = this.now() + this.deadlineSeconds() * 1000;
    let wait = this.options.pollIntervalMs ?? 2000;
    while (this.now() < deadline) {
      throwIfAborted(signal);
      await this.sleep(wait);
      throwIfAborted(signal);
      wait = Math.min(MAX_POLL_INTERVAL_MS, Math.round(wait * 1.5));
      let invocation: GetCommandInvocationCommandOutput;
      try {
        invocation = await ssm.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId }), { abortSignal: signal });
      } catch (e) {
        throwIfAborted(signal);
        // SSM knows the invocation a moment after SendCommand returns
        if (errorName(e) === 'InvocationDoesNotExist') continue;
        throw e;
      }
      if (TERMINAL.has(invocation.Status ?? '')) return invocation;
    }
    return undefined;
  }
}

async function readDocument(ssm: SSMClient, name: string, signal: AbortSignal): Promise<{ content: string; status: string } | undefined> {
  try {
    const doc = await ssm.send(new GetDocumentCommand({ Name: name }), { abortSignal: signal });
    return { content: doc.Content ?? '', status: doc.Status ?? 'Active' };
  } catch (e) {
    if (errorName(e) === 'InvalidDocument') return undefined;
    throw e;
  }
}

/** A document under keyshift's name that is not this payload is not run. */
function checkSameContent(content: string, doc: CutoverDocument): void {
  let same: boolean;
  try {
    same = JSON.stringify(JSON.parse(content)) === JSON.stringify(JSON.parse(doc.content));
  } catch {
    same = false;
  }
  if (!same) {
    throw new KeyshiftError('safety-gate', `the SSM document ${doc.name} exists with content other than this keyshift's cutover payload`, {
      hint: `delete the document ${doc.name} (keyshift makes it again), or find out who made it`,
    });
  }
}

function errorName(e: unknown): string {
  return (e as { name?: string } | null)?.name ?? 'error';
}
