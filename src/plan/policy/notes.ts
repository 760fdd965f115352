// The statement notes: why a statement names `*`, why it is unobserved, why it is there at all.
// Grants with the same note, basis and service share statements, so a note speaks of "these
// actions" and never names one.

export const NO_RESOURCE_TYPES =
  'IAM supports no resource-level permissions for these actions (IAM action catalog), so the statement must name "*"';
export const UNNAMED_RESOURCE =
  'the evidence names no resource for these actions and the key is allowed them on "*" today; scope them by hand to what the workload uses';
export const UNNAMED_NARROWED =
  "the evidence names no resource for these actions: granted on the resources the key's policies allow them on today";
export const NARROWED = "narrowed to the resources the key's policies allow today inside the pattern the evidence shows";
export const UNKNOWN_ACTION =
  'not in the IAM action catalog, so whether these actions take resource-level permissions is unknown: granted on the resources the evidence names';
export const DENIED_REQUESTED =
  "tried and denied in the evidence, added on request: today's identity policies allow it, so something else refused it (a service control policy, a permissions boundary, a resource policy or a condition) and may refuse the role too";
export const ASSUME_ROLE =
  "role chain: the workload assumes these roles and works with their permissions, which stay with the roles; each role's trust policy must also accept the new role";

/** Joins the notes that apply, in the order given. */
export function joinNotes(...notes: (string | undefined)[]): string | undefined {
  const present = notes.filter((n): n is string => n !== undefined && n !== '');
  return present.length === 0 ? undefined : present.join('; ');
}
