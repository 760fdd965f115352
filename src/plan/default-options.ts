// The planner's defaults: what `keyshift plan` uses when no option says otherwise.
import type { PlanOptions } from '../model/plan.js';

export const DEFAULT_PLAN_OPTIONS: PlanOptions = {
  rolePrefix: 'keyshift-',
  rolePath: '/keyshift/',
  permissionsBoundaryArn: null,
  tags: {},
  // 2: a container behind a bridge network is one hop further from IMDS than its host
  hopLimit: 2,
  imdsv2SoakDays: 7,
  minQuietDays: 14,
  includeDenied: false,
  keys: null,
  workloads: null,
  allowCloudFormation: false,
  acceptLintErrors: false,
};
