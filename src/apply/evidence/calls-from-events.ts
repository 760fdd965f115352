// CloudTrail records -> the calls the verify steps and finalize ask about, whichever source the
// records came from (a trail's log files or LookupEvents). A role's calls are those made under
// one of its sessions: userIdentity is `arn:…:sts::<account>:assumed-role/<role>/<session>`, and
// an EC2 instance's session is named after the instance. Each call is mapped to its IAM actions
// and resources with the usage mapping, so they compare with what the plan learned from usage.
import type { CloudTrailEvent } from '../../usage/cloudtrail-event.js';
import { eventTimeMs } from '../../usage/event-time.js';
import { iamActionsFor, iamServicePrefix, stripApiVersion } from '../../usage/event-to-action.js';
import type { KeyCall, RoleCall } from '../role-evidence.js';

const ASSUMED_ROLE_ARN = /^arn:[a-z-]+:sts::(\d{12}):assumed-role\/([^/]+)\/(.+)$/;
// AWS's instance IDs are i- and 8 or 17 hex digits; test and demo fixtures use short names
const INSTANCE_ID = /^i-[0-9a-z]{1,32}$/;

export interface RoleSession {
  account: string;
  roleName: string;
  sessionName: string;
}

/** The role session that made a call, or null when it was not made under an assumed role. */
export function roleSessionOf(event: CloudTrailEvent): RoleSession | null {
  const identity = event.userIdentity;
  if (identity.type !== 'AssumedRole' || typeof identity.arn !== 'string') return null;
  const m = ASSUMED_ROLE_ARN.exec(identity.arn);
  if (m === null) return null;
  return { account: m[1]!, roleName: m[2]!, sessionName: m[3]! };
}

/** The instance an EC2 role session belongs to (its session name), or null for any other session. */
export function instanceOfSession(sessionName: string): string | null {
  return INSTANCE_ID.test(sessionName) ? sessionName : null;
}

/**
 * The calls one record holds for `roleName` (one per IAM action it needed): none when another
 * principal made it, or another account's role of the same name (an organization trail holds
 * every account's records), or when the call needs no permission (sts:GetCallerIdentity).
 */
export function roleCallsOf(event: CloudTrailEvent, roleName: string, account: string | null): RoleCall[] {
  const session = roleSessionOf(event);
  if (session === null || session.roleName !== roleName || (account !== null && session.account !== account)) return [];
  const at = new Date(eventTimeMs(event.eventTime));
  const instanceId = instanceOfSession(session.sessionName);
  const errorCode = event.errorCode ?? null;
  return iamActionsFor(event).map((u) => ({ action: u.action, resource: u.resource, instanceId, at, errorCode }));
}

/** The call a record holds when it was signed with `accessKeyId`, or null. */
export function keyCallOf(event: CloudTrailEvent, accessKeyId: string): KeyCall | null {
  if (event.userIdentity.accessKeyId !== accessKeyId) return null;
  // calls that need no permission (GetCallerIdentity) still show the key in use: name the API call
  const action = iamActionsFor(event)[0]?.action ?? `${iamServicePrefix(event.eventSource)}:${stripApiVersion(event.eventName)}`;
  return { action, at: new Date(eventTimeMs(event.eventTime)), sourceIp: event.sourceIPAddress ?? null, errorCode: event.errorCode ?? null };
}

export function byTime<T extends { at: Date }>(calls: T[]): T[] {
  return calls.sort((a, b) => a.at.getTime() - b.at.getTime());
}
