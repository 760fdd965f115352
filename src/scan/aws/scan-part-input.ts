// What each part of `scan aws` (IAM, EC2) receives from the orchestrator.
import type { AwsContext } from '../../aws/aws-context.js';
import type { IoHost } from '../../io/host.js';
import type { IncompleteParts } from './partial-access.js';

export interface AwsScanPartInput {
  aws: AwsContext;
  host: IoHost;
  /** where a part that could not be read is recorded, naming the missing permission */
  incomplete: IncompleteParts;
  regions: string[];
  /** the scan's clock, for ages and "unused for 90 days" */
  now: Date;
  signal?: AbortSignal | undefined;
  /** AWS requests in flight at once */
  concurrency?: number | undefined;
}
