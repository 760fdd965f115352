// What the trail records, as far as the evidence can tell: read from the trails' event
// selectors when the source is AWS, inferred from the events themselves otherwise.
import type { Coverage } from '../../model/usage.js';

export interface Recording {
  basis: Coverage['basis'];
  managementEvents: Coverage['managementEvents'];
  dataEvents: Coverage['dataEvents'];
  /** regions the evidence covers, sorted */
  regions: string[];
  /** services whose data events the trails select; empty when inferred (the evidence then speaks per key) */
  dataEventServices: ReadonlySet<string>;
  notes: string[];
}
