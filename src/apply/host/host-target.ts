// Which machine a host step acts on, and the backup name it uses there. A finding names its
// host by instance ID, hostname or fixture name; an instance ID is what SSM needs. A step's
// params may say which instance (`instanceId`, when the planner records it); else the host
// is one of the workload's instances by name, and a workload with a single instance owns
// whatever host its keys were found on.
import { createHash } from 'node:crypto';
import type { Workload } from '../../model/plan.js';
import type { HostTarget } from '../host-executor.js';
import type { Json } from '../step-handler.js';

const INSTANCE_ID = /^i-[0-9a-f]{8,17}$/;

export function hostTargetOf(host: string, workload: Workload, instanceIdHint?: unknown): HostTarget {
  const wanted = typeof instanceIdHint === 'string' ? instanceIdHint : host;
  const named = workload.instances.find((i) => i.instanceId === wanted);
  if (named) return { host, instanceId: named.instanceId, region: named.region };
  if (INSTANCE_ID.test(host)) return { host, instanceId: host, region: workload.region };
  // a hostname or address: the planner matched it to this workload, so with one instance it is that one
  const only = workload.instances.length === 1 ? workload.instances[0] : undefined;
  return { host, instanceId: only?.instanceId ?? null, region: only?.region ?? workload.region };
}

/** The target as journaled in a host call's args (the undoer has nothing else). */
export function hostTargetArgs(target: HostTarget): Json {
  return { host: target.host, instanceId: target.instanceId, region: target.region };
}

export function hostTargetFromArgs(args: Json): HostTarget | undefined {
  if (typeof args.host !== 'string') return undefined;
  return {
    host: args.host,
    instanceId: typeof args.instanceId === 'string' ? args.instanceId : null,
    region: typeof args.region === 'string' ? args.region : null,
  };
}

/**
 * The backup name of one step of one plan: the same on every run of it, so a resumed step
 * finds the backup its first run made and never overwrites it.
 */
export function backupIdOf(planId: string, stepId: string): string {
  return `${planId}-${createHash('sha256').update(stepId, 'utf8').digest('hex').slice(0, 12)}`;
}
