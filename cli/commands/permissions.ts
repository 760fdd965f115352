// `keyshift permissions [scan|athena|ssm|apply]`: prints the IAM policy keyshift needs for a job.
import { permissionsPolicy } from '../../src/aws/permissions-policy.js';
import { usageError } from '../../src/errors.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { writeResult } from '../output.js';

export async function runPermissions(ctx: CliContext, job: string): Promise<number> {
  if (job !== 'scan' && job !== 'athena' && job !== 'ssm' && job !== 'apply') throw usageError(`no permissions for "${job}": keyshift has no ${job} job`, 'run `keyshift permissions scan`, `athena`, `ssm` or `apply`');
  await writeResult(`${JSON.stringify(permissionsPolicy(job), null, 2)}\n`, undefined, ctx.streams);
  return ExitCode.ok;
}
