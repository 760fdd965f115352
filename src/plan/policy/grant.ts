// One permission the new role will get: an action on a resource, with why it is there.
// Statements are built from grants, so every planned (action, resource) pair is one of these.
import type { PlannedPolicy } from '../../model/plan.js';

export type Basis = PlannedPolicy['statements'][number]['basis'];

export interface Grant {
  /** in the catalog's spelling, e.g. s3:GetObject */
  action: string;
  resource: string;
  basis: Basis;
  /** shared by every grant of a statement: why `*`, why unobserved, … */
  note: string | undefined;
}

/** When one pair arrives on several grounds, the first basis here is the one the plan shows. */
export const BASIS_ORDER: readonly Basis[] = ['assume-role', 'observed', 'denied-requested', 'unobserved'];

export function basisRank(basis: Basis): number {
  return BASIS_ORDER.indexOf(basis);
}

/** The IAM service prefix of an action. */
export function serviceOf(action: string): string {
  const colon = action.indexOf(':');
  return (colon < 0 ? action : action.slice(0, colon)).toLowerCase();
}

/** Identifies an (action, resource) pair; actions compare without regard to case, as in IAM. */
export function pairId(action: string, resource: string): string {
  return `${action.toLowerCase()}\n${resource}`;
}
