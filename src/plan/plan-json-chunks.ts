// The plan as pretty JSON, piece by piece: byte for byte what JSON.stringify(plan, null, 2)
// gives, but one workload at a time, so writing a plan for 10,000 instances never holds the
// whole text (tens of MB, two bytes a character once any note has a non-Latin-1 character).
import type { PlanDocument } from '../model/plan.js';

const PLACEHOLDER = '"__keyshift_workloads__"';

export function* planJsonChunks(plan: PlanDocument): Generator<string> {
  const shell = JSON.stringify({ ...plan, workloads: PLACEHOLDER.slice(1, -1) }, null, 2);
  const at = shell.indexOf(PLACEHOLDER);
  yield shell.slice(0, at);
  if (plan.workloads.length === 0) {
    yield '[]';
  } else {
    yield '[\n';
    for (let i = 0; i < plan.workloads.length; i++) {
      const text = JSON.stringify(plan.workloads[i], null, 2).replace(/\n/g, '\n    ');
      yield `    ${text}${i < plan.workloads.length - 1 ? ',\n' : '\n'}`;
    }
    yield '  ]';
  }
  yield `${shell.slice(at + PLACEHOLDER.length)}\n`;
}
