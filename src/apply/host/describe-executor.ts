// The executor when keyshift cannot reach a host (no SSM, no local root): it runs nothing and
// says what a person runs on the host instead, as root, with the payload copied there. The
// step pauses with these commands; `--resume` carries on once they have been run.
import { KeyshiftError } from '../../errors.js';
import type { CutoverOpResult, HostExecutor, HostTarget } from '../host-executor.js';
import { cutoverPayload } from './cutover-payload.js';
import { opFields, type HostOp } from './cutover-ops.js';

/** Where the commands expect the payload on the host. */
export const HOST_PAYLOAD_PATH = '/tmp/keyshift-cutover.sh';

const quote = (text: string): string => (/^[A-Za-z0-9@%+=:,./_-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`);

/** The commands that carry out `ops` on the host, the payload's copy checked first. */
export function cutoverCommands(target: HostTarget, ops: readonly HostOp[]): string[] {
  const payload = cutoverPayload();
  const where = target.instanceId && target.instanceId !== target.host ? `${target.host} (${target.instanceId})` : target.host;
  return [
    `# on ${where}, as root, after copying keyshift's cutover payload from ${payload.path} to ${HOST_PAYLOAD_PATH}:`,
    `echo '${payload.sha256}  ${HOST_PAYLOAD_PATH}' | sha256sum -c -`,
    ...ops.map((op) => `sudo sh ${HOST_PAYLOAD_PATH} ${opFields(op).map(quote).join(' ')}`),
  ];
}

export class DescribeHostExecutor implements HostExecutor {
  readonly kind = 'none' as const;

  async run(target: HostTarget, _ops: readonly HostOp[], _signal: AbortSignal): Promise<CutoverOpResult[]> {
    throw new KeyshiftError('safety-gate', `keyshift has no way to reach ${target.host} (no SSM, no local root): its host steps are run by a person`, {
      hint: 'run the commands the paused step prints on the host, then apply --resume',
    });
  }

  describe(target: HostTarget, ops: readonly HostOp[]): string[] {
    return cutoverCommands(target, ops);
  }
}
