// The verify stage's handlers: the role is in use by the workload, and each old key has gone
// quiet. Both only read (IAM and CloudTrail); the executor merges them with the other stages'.
import type { StepHandlers } from '../step-handler.js';
import { verifyKeyQuiet } from './verify-key-quiet.js';
import { verifyRoleInUse } from './verify-role-in-use.js';

export const verifyHandlers: StepHandlers = {
  'verify-role-in-use': verifyRoleInUse,
  'verify-key-quiet': verifyKeyQuiet,
};
