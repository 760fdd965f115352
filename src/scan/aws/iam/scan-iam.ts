// The IAM half of `scan aws`: the account and its quotas; users, groups, roles, managed
// policies and instance profiles; every access key with its age and last use; per-service
// last-accessed data of the key holders; the root user's keys; resource policies and roles
// that name a key holder; and the findings about keys. The parts that do not depend on each
// other are read side by side. Instance profiles' instances are left empty: the caller fills
// them from EC2.
import { throwIfAborted } from '../../../errors.js';
import type { AssumableRole, InventoryDocument, InventoryFinding, ResourceGrant } from '../../../model/inventory.js';
import { accessKeyFindings } from './key-findings.js';
import { readAccessKeys } from './access-keys.js';
import { partitionOf, readCaller, readQuotas } from './account.js';
import { assumableRoles } from './assumable-roles.js';
import { readAuthorizationDetails } from './authorization-details.js';
import { readCredentialReport } from './credential-report.js';
import { realSleep, type IamScanContext, type Sleep } from './iam-context.js';
import { IamProgress } from './iam-progress.js';
import { readInstanceProfiles } from './instance-profiles.js';
import { compareStrings } from './order.js';
import { grantsNaming, roleTrustPolicies } from './resource-grants.js';
import { readResourcePolicies } from './resource-policies.js';
import { rootKeyFindings, rootKeysFromReport } from './root-keys.js';
import { DEFAULT_SERVICE_LAST_ACCESSED_WAIT, readServiceLastAccessed, type ServiceLastAccessedWait } from './service-last-accessed.js';

/** regions are those whose resource policies are read; concurrency is per service (default 4) */
import type { AwsScanPartInput } from '../scan-part-input.js';

export interface IamScanInput extends AwsScanPartInput {
  /** how waits for IAM's report jobs sleep; tests pass one that returns at once */
  sleep?: Sleep | undefined;
  serviceLastAccessedWait?: Partial<ServiceLastAccessedWait> | undefined;
}

export interface IamScan {
  account: string;
  caller: { arn: string; userId: string };
  quotas: InventoryDocument['quotas'];
  iam: InventoryDocument['iam'];
  resourceGrants: ResourceGrant[];
  assumableRoles: AssumableRole[];
  findings: InventoryFinding[];
}

const DEFAULT_CONCURRENCY = 4;

function findingKey(f: InventoryFinding): string {
  const s = f.subject;
  const subject = s.type === 'access-key' ? `${s.userName}\u0000${s.accessKeyId}` : s.type === 'root' ? '' : s.type === 'instance' ? `${s.region}\u0000${s.instanceId}` : `${s.region}\u0000${s.launchTemplateId}\u0000${s.version}`;
  return `${s.type}\u0000${subject}\u0000${f.rule}\u0000${f.message}`;
}

export async function scanIam(input: IamScanInput): Promise<IamScan> {
  throwIfAborted(input.signal);
  const caller = await readCaller(input.aws, input.signal);
  const ctx: IamScanContext = {
    aws: input.aws,
    incomplete: input.incomplete,
    signal: input.signal,
    progress: new IamProgress(input.host),
    concurrency: input.concurrency ?? DEFAULT_CONCURRENCY,
    sleep: input.sleep ?? realSleep,
    partition: partitionOf(caller.arn),
  };
  const wait = { ...DEFAULT_SERVICE_LAST_ACCESSED_WAIT, ...input.serviceLastAccessedWait };

  const identities = (async () => {
    const details = await readAuthorizationDetails(ctx);
    const { keys } = await readAccessKeys(ctx, details?.users ?? [], input.now);
    const holderNames = new Set(keys.map((k) => k.userName));
    const holders = (details?.users ?? []).filter((u) => holderNames.has(u.userName));
    const serviceLastAccessed = await readServiceLastAccessed(ctx, holders, wait);
    return { details, keys, holders, serviceLastAccessed };
  })();
  // Promise.all holds every branch, so a job-wide failure in one never leaves another's
  // rejection unhandled
  const [quotas, listedProfiles, report, resourcePolicies, { details, keys, holders, serviceLastAccessed }] = await Promise.all([
    readQuotas(ctx),
    readInstanceProfiles(ctx),
    readCredentialReport(ctx),
    readResourcePolicies(ctx, input.regions),
    identities,
  ]);

  let rootKeys: InventoryDocument['iam']['rootKeys'] = { keys: null };
  if (report !== undefined) {
    const read = rootKeysFromReport(report);
    rootKeys = read.rootKeys;
    if (!read.rootRowFound) {
      input.host.notify({ type: 'warning', code: 'credential-report-without-root', message: "the credential report has no <root_account> row: the root user's access keys are unknown" });
    }
  }
  const roles = details?.roles ?? [];
  const findings = [...rootKeyFindings(rootKeys), ...accessKeyFindings(keys, input.now)].sort((a, b) => compareStrings(findingKey(a), findingKey(b)));
  return {
    account: caller.account,
    caller: { arn: caller.arn, userId: caller.userId },
    quotas,
    iam: {
      users: details?.users ?? [],
      groups: details?.groups ?? [],
      roles,
      managedPolicies: details?.managedPolicies ?? [],
      instanceProfiles: listedProfiles ?? details?.instanceProfilesOfRoles ?? [],
      accessKeys: keys,
      serviceLastAccessed,
      rootKeys,
    },
    resourceGrants: grantsNaming([...roleTrustPolicies(roles), ...resourcePolicies], holders),
    assumableRoles: details
      ? assumableRoles({ account: caller.account, users: holders, groups: details.groups, roles, managedPolicies: details.managedPolicies })
      : [],
    findings,
  };
}
