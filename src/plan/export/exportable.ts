// What the exports need to know about one planned workload: the role keyshift creates, its
// policies and instance profile, and the launch template versions for group-owned
// instances. The planner maps its workloads onto this shape; the exports know nothing else
// about the plan, so they can be read and tested on their own.

/** A new launch template version, made from an existing one, that gives new instances the role. */
export interface ExportableLaunchTemplateVersion {
  launchTemplateId: string;
  /** launch templates are regional while IAM is global: the version is created here */
  region: string;
  /** the version the new one copies; only the fields below change */
  sourceVersion: number;
  instanceProfileName: string;
  httpTokens: 'required';
  hopLimit: number;
  /** base64 user data without the static key, when the source version's carries one */
  userDataBase64?: string;
}

export interface ExportableRole {
  /** the workload's ID, e.g. "asg-web": the source of resource names in the exports */
  workloadId: string;
  roleName: string;
  /** keyshift's path, e.g. /keyshift/; policies and the instance profile get it too */
  rolePath: string;
  permissionsBoundaryArn?: string;
  /** workload, plan ID, replaced key: how later steps and rollback find what keyshift made */
  tags: Record<string, string>;
  /** trusts ec2.amazonaws.com only */
  trustPolicy: object;
  /** customer managed policies to create and attach (each at most 6,144 characters) */
  managedPolicies: { name: string; document: object }[];
  /** policies carried over from the role of the instances' current profile */
  existingPolicyArns: string[];
  instanceProfileName: string;
  launchTemplates?: ExportableLaunchTemplateVersion[];
}

export interface ExportMeta {
  planId: string;
  /** the 12-digit account the plan is for; both exports refuse to apply anywhere else */
  account: string;
}
