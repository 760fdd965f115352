// `keyshift permissions [scan|athena|ssm]`: prints the IAM policy keyshift needs for a job.
import { permissionsPolicy } from '../../src/aws/permissions-policy.js';
import { usageError } from '../../src/errors.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { writeResult } from '../output.js';

export async function runPermissions(ctx: CliContext, job: string): Promise<number> {
  if (job !== 'scan' && job !== 'athena' && job !== 'ssm') throw usageError(`no permissions for "${job}": keyshift has no ${job} command yet`, 'run `keyshift permissions scan`, `athena` or `ssm`');
  await writeResult(`${JSON.stringify(permissionsPolicy(job), null, 2)}\n`, undefined, ctx.streams);
  return ExitCode.ok;
}
