// Which catalog actions are data-plane work (objects, items, messages, invokes): the ones a trail
// records only as data events, by the usage stage's own table, so that "unobserved" here means
// exactly what the usage document's coverage means. S3's Object Lambda access point actions
// match that table's name pattern but are management calls on access points, not object reads.
import { isDataEventAction } from '../../usage/coverage/data-event-services.js';

const MANAGEMENT_LOOKALIKE = /ForObjectLambda$/;

export function isDataPlaneAction(action: string): boolean {
  return isDataEventAction(action) && !MANAGEMENT_LOOKALIKE.test(action);
}
