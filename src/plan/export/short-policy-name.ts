// Planned policy names usually repeat the role's name ("keyshift-asg-web-s3" for role
// "keyshift-asg-web"); resource names in the exports already say which role, so they use
// the rest ("s3") where there is a rest.
export function shortPolicyName(roleName: string, policyName: string): string {
  const prefix = `${roleName}-`;
  return policyName.startsWith(prefix) && policyName.length > prefix.length ? policyName.slice(prefix.length) : policyName;
}
