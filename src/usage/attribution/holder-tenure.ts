// The inventory says who holds an address at its `asOf`; the calls happened at other times.
// Whether the holder then is the holder now decides the confidence: an instance launched
// after the calls cannot have made them (the address was reused), and calls after the
// inventory may come from whoever holds the address since.
import type { Attribution, SourceUse } from '../../model/usage.js';
import type { Ec2Instance } from '../../model/inventory.js';

export type TenureConfidence = Extract<Attribution['confidence'], 'high' | 'medium' | 'low'>;

export interface Tenure {
  confidence: TenureConfidence;
  /** why the confidence is below high; null when it is high */
  doubt: string | null;
}

function describe(instance: Ec2Instance): string {
  return instance.name ? `${instance.instanceId} ("${instance.name}")` : instance.instanceId;
}

export function instanceLabel(instance: Ec2Instance): string {
  return `${describe(instance)} in ${instance.region}`;
}

/** How sure we are that `instance`, holding the address at the inventory's `asOf`, held it during the source's calls. */
export function holderTenure(instance: Ec2Instance, source: Pick<SourceUse, 'firstSeen' | 'lastSeen'>, asOf: number, asOfText: string): Tenure {
  const first = Date.parse(source.firstSeen);
  const last = Date.parse(source.lastSeen);
  const launched = instance.launchTime === null ? null : Date.parse(instance.launchTime);
  // launchTime is the last start: a public IP that is not elastic changes at every start, so
  // an instance started after a call was not holding the address when it was made
  if (launched !== null && launched > last) {
    return {
      confidence: 'low',
      doubt: `it launched (or last started) at ${instance.launchTime}, after the last call from this address at ${source.lastSeen}: the address was reused by a later instance`,
    };
  }
  if (launched !== null && launched > first) {
    return {
      confidence: 'medium',
      doubt: `it launched (or last started) at ${instance.launchTime}, after the first call at ${source.firstSeen}: earlier calls came from an earlier holder of the address`,
    };
  }
  if (launched === null && asOf > first) {
    return { confidence: 'medium', doubt: `its launch time is unknown, so whether it held the address at ${source.firstSeen} cannot be checked` };
  }
  if (last > asOf) {
    return { confidence: 'medium', doubt: `the calls go on until ${source.lastSeen}, after the inventory was taken at ${asOfText}: the address may have changed hands since` };
  }
  return { confidence: 'high', doubt: null };
}
