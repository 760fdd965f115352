// verify-role-in-use: the workload now works on its role. Since its cutover (or attach) steps
// were done, CloudTrail must show the workload's own calls made under the role's sessions from
// its instances: every action the usage evidence saw it make (the plan's topActions, and
// `observed` when the plan carries it). Calls the instances' agents make under the same role
// (SSM agent, CloudWatch agent) prove nothing about the workload and are left out. A workload
// call the role was denied blocks: the role lacks a permission the workload needs.
//
// Only reads: check() is always ready, and run() says done, waiting (not seen yet: CloudTrail
// delivers calls minutes after they are made) or blocked.
import { badInput } from '../../errors.js';
import type { Workload } from '../../model/plan.js';
import { wildcardMatches } from '../../scan/aws/iam/policy-match.js';
import { isDataEventAction } from '../../usage/coverage/data-event-services.js';
import type { RoleCall } from '../role-evidence.js';
import type { StepContext, StepHandler, StepOutcome } from '../step-handler.js';
import { latestDoneAt } from './done-times.js';

export interface ExpectedAction {
  action: string;
  resource: string;
}

/** Services whose calls the SSM and CloudWatch agents make under the instance's role. */
const AGENT_SERVICES = new Set(['ssm', 'ec2messages', 'ssmmessages', 'logs']);
/** Other calls the CloudWatch agent makes (metrics, and the instance's tags and volumes for dimensions). */
const AGENT_ACTIONS = new Set(['cloudwatch:putmetricdata', 'ec2:describetags', 'ec2:describevolumes']);
/** A call the role's policies refused (not one that failed for other reasons: that one was allowed). */
const DENIED = /AccessDenied|UnauthorizedOperation|UnauthorizedAccess|AuthorizationError|Forbidden|NotAuthorized/i;
const LIST_LIMIT = 6;

export function isAgentAction(action: string): boolean {
  const lower = action.toLowerCase();
  return AGENT_SERVICES.has(lower.slice(0, lower.indexOf(':'))) || AGENT_ACTIONS.has(lower);
}

export function isDenied(call: Pick<RoleCall, 'errorCode'>): boolean {
  return call.errorCode !== null && DENIED.test(call.errorCode);
}

function matches(expected: ExpectedAction, call: RoleCall): boolean {
  if (call.action.toLowerCase() !== expected.action.toLowerCase()) return false;
  return expected.resource === '*' || expected.resource === call.resource || wildcardMatches(expected.resource, call.resource, { ignoreCase: false });
}

/** An agent's action is the workload's only when it names the workload's own resource. */
function ambiguous(expected: ExpectedAction): boolean {
  return isAgentAction(expected.action) && expected.resource === '*';
}

function isExpectedAction(v: unknown): v is ExpectedAction {
  const o = v as { action?: unknown; resource?: unknown } | null;
  return typeof o?.action === 'string' && typeof o.resource === 'string';
}

/** What the usage evidence saw the workload do: topActions, and `observed` when the plan has it. */
export function expectedActions(workload: Workload): ExpectedAction[] {
  const observed = (workload.evidence as { observed?: unknown }).observed;
  const all = [...workload.evidence.topActions, ...(Array.isArray(observed) ? observed.filter(isExpectedAction) : [])];
  const seen = new Set<string>();
  const out: ExpectedAction[] = [];
  for (const { action, resource } of all) {
    const key = `${action}\u0000${resource}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ action, resource });
    }
  }
  return out;
}

export interface RoleUseInput {
  calls: readonly RoleCall[];
  expected: readonly ExpectedAction[];
  instances: readonly string[];
  /** instances are replaced (Auto Scaling): a call from any instance of the role counts, and not every listed instance must show one */
  replaceable: boolean;
  /** the evidence holds management events only: data-event actions cannot show there */
  managementOnly: boolean;
}

export interface RoleUse {
  denied: RoleCall[];
  seen: ExpectedAction[];
  unseen: ExpectedAction[];
  /** expected actions that cannot be told from the agents' (or, in management-only evidence, never show) */
  unchecked: ExpectedAction[];
  /** instances with a workload call under the role */
  activeInstances: string[];
  /** instances that must still show one */
  silentInstances: string[];
}

/** Which of the workload's actions the role's calls show, and which calls were denied. */
export function judgeRoleUse(input: RoleUseInput): RoleUse {
  const listed = new Set(input.instances);
  const fromWorkload = input.calls.filter((c) => c.instanceId !== null && (listed.has(c.instanceId) || input.replaceable));
  const isWorkloadCall = (c: RoleCall) => !isAgentAction(c.action) || input.expected.some((e) => !ambiguous(e) && matches(e, c));
  const workloadCalls = fromWorkload.filter(isWorkloadCall);
  const denied = workloadCalls.filter(isDenied);
  const allowed = workloadCalls.filter((c) => !isDenied(c));
  const checkable = input.expected.filter((e) => !ambiguous(e) && !(input.managementOnly && isDataEventAction(e.action)));
  const unchecked = input.expected.filter((e) => !checkable.includes(e));
  const seen = checkable.filter((e) => allowed.some((c) => matches(e, c)));
  const unseen = checkable.filter((e) => !seen.includes(e));
  const active = new Set(allowed.map((c) => c.instanceId!));
  const silentInstances = input.replaceable ? (active.size === 0 ? [...input.instances] : []) : input.instances.filter((i) => !active.has(i));
  return { denied, seen, unseen, unchecked, activeInstances: [...active].sort(), silentInstances };
}

function list(items: readonly string[]): string {
  const shown = items.slice(0, LIST_LIMIT).join(', ');
  return items.length > LIST_LIMIT ? `${shown} and ${items.length - LIST_LIMIT} more` : shown;
}

const describeAction = (e: ExpectedAction) => (e.resource === '*' ? e.action : `${e.action} on ${e.resource}`);

function params(ctx: StepContext): { roleName: string; instances: string[] } {
  const { roleName, instances } = ctx.step.params as { roleName?: unknown; instances?: unknown };
  if (typeof roleName !== 'string' || !Array.isArray(instances) || !instances.every((i) => typeof i === 'string')) {
    throw badInput(`step ${ctx.step.id} lacks roleName or instances in its params`, 'the plan was edited or written by another version: make it again with keyshift plan');
  }
  return { roleName, instances };
}

/** Whether an evidence source says it holds management events only (LookupEvents). */
function managementOnly(ctx: StepContext): boolean {
  return (ctx.evidence as { recordsDataEvents?: boolean }).recordsDataEvents === false;
}

async function run(ctx: StepContext): Promise<StepOutcome> {
  const { roleName, instances } = params(ctx);
  const since = latestDoneAt(ctx, ctx.step.after);
  if (since === undefined) {
    return { status: 'failed', message: `no done time is recorded for the steps ${ctx.step.id} waits for (${list(ctx.step.after)}): cannot tell which calls came after the cutover` };
  }
  const calls = await ctx.evidence.roleCalls(roleName, since, ctx.signal);
  const kind = ctx.workload.kind;
  const use = judgeRoleUse({
    calls,
    expected: expectedActions(ctx.workload),
    instances,
    replaceable: kind === 'auto-scaling-group' || kind === 'launch-template',
    managementOnly: managementOnly(ctx),
  });
  const where = `in ${ctx.evidence.describe} since ${since.toISOString()}`;

  if (use.denied.length > 0) {
    const actions = [...new Set(use.denied.map((c) => `${c.action}${c.resource === '*' ? '' : ` on ${c.resource}`} (${c.errorCode})`))];
    const from = [...new Set(use.denied.map((c) => c.instanceId!))];
    return {
      status: 'blocked',
      message: `role ${roleName} was denied ${list(actions)} from ${list(from)} ${where}: the workload needs a permission its role lacks; grant it (a new plan) or roll back`,
    };
  }

  const notChecked = use.unchecked.length > 0 ? `; not checked: ${list(use.unchecked.map(describeAction))} (the instances' agents make the same calls, or the evidence cannot show data events)` : '';
  if (use.unseen.length > 0 || use.silentInstances.length > 0) {
    const parts: string[] = [];
    if (use.unseen.length > 0) {
      const dataEvents = use.unseen.some((e) => isDataEventAction(e.action)) ? ' (data events: seen only when the trail records them)' : '';
      parts.push(`not yet seen: ${list(use.unseen.map(describeAction))}${dataEvents}`);
    }
    if (use.silentInstances.length > 0) parts.push(`no workload calls yet from ${list(use.silentInstances)}`);
    if (use.activeInstances.length > 0) parts.push(`seen from ${list(use.activeInstances)}`);
    return {
      status: 'waiting',
      message: `waiting for the workload's calls under role ${roleName} ${where}: ${parts.join('; ')}${notChecked}. CloudTrail delivers calls 5 to 15 minutes after they are made; run apply --resume later`,
    };
  }
  return {
    status: 'done',
    message: `role ${roleName} is in use by the workload from ${list(use.activeInstances)}: ${use.seen.length} of its actions seen ${where}${notChecked}`,
    output: { since: since.toISOString(), instances: use.activeInstances, seenActions: use.seen.map(describeAction) },
  };
}

export const verifyRoleInUse: StepHandler = {
  // verification only reads: there is no live state to drift from
  check: async () => ({ state: 'ready' }),
  run,
};
