// The request context as the evaluator sees it: the keys the caller knows the values of, the keys
// the caller knows a request lacks (IAM's documented absent-key rules apply to those), and every
// other key, which is unknown. Key names are compared without regard to case, as IAM does.

export type ContextValues = Readonly<Record<string, string | readonly string[]>>;

export type KeyLookup =
  | { state: 'present'; values: readonly string[] }
  | { state: 'absent' }
  | { state: 'unknown' };

export class RequestContext {
  private readonly values = new Map<string, readonly string[]>();
  private readonly absent: ReadonlySet<string> | 'all';

  /**
   * @param values known context keys and their values (a list for a multivalued key)
   * @param absentKeys keys known NOT to be in the request, or '*' for "every key not in values"
   */
  constructor(values: ContextValues = {}, absentKeys: readonly string[] | '*' = []) {
    for (const [key, value] of Object.entries(values)) {
      this.values.set(key.toLowerCase(), typeof value === 'string' ? [value] : value);
    }
    this.absent = absentKeys === '*' ? 'all' : new Set(absentKeys.map((k) => k.toLowerCase()));
  }

  lookup(key: string): KeyLookup {
    const lower = key.toLowerCase();
    const values = this.values.get(lower);
    if (values !== undefined) return { state: 'present', values };
    if (this.absent === 'all' || this.absent.has(lower)) return { state: 'absent' };
    return { state: 'unknown' };
  }
}
