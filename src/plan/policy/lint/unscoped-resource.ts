// Whether a resource grants an action on everything it could act on: `*`, or an ARN pattern
// that covers every resource of one of the action's types in its partition, region and account
// (arn:aws:s3:::*, arn:aws:s3:::*/*, arn:aws:kms:us-east-1:123456789012:key/*). The catalog's
// ARN formats say what "every resource of the type" looks like.
import type { ActionInfo } from '../../evaluator/index.js';
import { covers } from '../resource-cover.js';

function everyResourceOf(format: string, partition: string, region: string, account: string): string {
  return format.replace(/\$\{([^}]*)\}/g, (_, name: string) =>
    name === 'Partition' ? partition : name === 'Region' ? region : name === 'Account' ? account : '*',
  );
}

export function isUnscoped(resource: string, info: ActionInfo | undefined): boolean {
  if (resource === '*') return true;
  const fields = resource.split(':');
  if (info === undefined || fields.length < 6 || fields[0] !== 'arn') return false;
  const [, partition = '', , region = '', account = ''] = fields;
  return info.resourceTypes.some((t) => t.arnFormat !== undefined && covers(resource, everyResourceOf(t.arnFormat, partition, region, account)));
}
