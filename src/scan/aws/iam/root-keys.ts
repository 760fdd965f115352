// The root user's access keys, from the credential report's `<root_account>` row: a critical
// finding per active key. Root keys are report-only: they cannot be migrated to a role, only
// deleted by a person signed in as root.
import type { InventoryFinding, RootKeys } from '../../../model/inventory.js';

const ROOT_ROW = '<root_account>';

/** Parses CSV (RFC 4180: quoted fields, doubled quotes) into records keyed by the header. */
export function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  const [header, ...records] = rows.filter((r) => !(r.length === 1 && r[0] === ''));
  if (!header) return [];
  return records.map((r) => Object.fromEntries(header.map((name, i) => [name, r[i] ?? ''])));
}

/** Report values that are not dates: N/A, no_information, not_supported. */
function dateOrNull(value: string | undefined): string | null {
  if (!value) return null;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

export interface RootKeysRead {
  rootKeys: RootKeys;
  /** false when the report has no root row (AWS always writes one; emulators may not) */
  rootRowFound: boolean;
}

export function rootKeysFromReport(csv: string): RootKeysRead {
  const root = parseCsv(csv).find((r) => r.user === ROOT_ROW);
  if (!root) return { rootKeys: { keys: null }, rootRowFound: false };
  const keys: NonNullable<RootKeys['keys']> = [];
  for (const slot of [1, 2] as const) {
    const active = root[`access_key_${slot}_active`] === 'true';
    const lastRotated = dateOrNull(root[`access_key_${slot}_last_rotated`]);
    // a slot with neither an active key nor a rotation date holds no key
    if (!active && lastRotated === null) continue;
    keys.push({ slot, active, lastRotated, lastUsed: dateOrNull(root[`access_key_${slot}_last_used_date`]) });
  }
  return { rootKeys: { keys }, rootRowFound: true };
}

export function rootKeyFindings(rootKeys: RootKeys): InventoryFinding[] {
  return (rootKeys.keys ?? [])
    .filter((k) => k.active)
    .map((k) => ({
      rule: 'root-access-key' as const,
      severity: 'critical' as const,
      subject: { type: 'root' as const },
      message: `the root user has an active access key (slot ${k.slot}, last used ${k.lastUsed ?? 'never'}): delete it while signed in as root; it cannot be migrated to a role`,
    }));
}
