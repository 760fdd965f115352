// Every journaled API's undoer, in one registry rollback looks calls up in.
import type { Undoers } from '../step-handler.js';
import { ec2Undoers } from './ec2-undoers.js';
import { hostUndoers } from './host-undoers.js';
import { iamUndoers } from './iam-undoers.js';

export function allUndoers(): Undoers {
  return { ...iamUndoers, ...ec2Undoers, ...hostUndoers };
}
