// Every step kind's handler, in one registry the executor looks steps up in.
import type { StepHandlers } from '../step-handler.js';
import { deactivateKeyHandlers } from './deactivate-key-handler.js';
import { hostHandlers } from './host-handlers.js';
import { iamRoleHandlers } from './iam-role-handlers.js';
import { imdsv2Handlers } from './imdsv2-handler.js';
import { launchTemplateHandlers } from './launch-template-handlers.js';
import { profileAssociationHandlers } from './profile-association-handlers.js';
import { resourcePolicyHandlers } from './resource-policy-handlers.js';
import { verifyHandlers } from './verify-handlers.js';

export function allStepHandlers(): StepHandlers {
  return {
    ...iamRoleHandlers,
    ...resourcePolicyHandlers,
    ...profileAssociationHandlers,
    ...launchTemplateHandlers,
    ...hostHandlers,
    ...verifyHandlers,
    ...imdsv2Handlers,
    ...deactivateKeyHandlers,
  };
}
