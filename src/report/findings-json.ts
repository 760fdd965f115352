// The findings document as JSON: what --format json writes and --baseline reads back.
// The document is rebuilt from the schema's fields alone (src/model/findings-document.ts),
// checking each on the way: keys come out in the schema's order whatever order the scanner
// built them in, and a field the schema does not know is dropped, so nothing a scanner
// attached by mistake (a raw match, a secret) can reach the output. This is the schema
// written out by hand rather than a zod parse, so that writing a document does not load zod
// (≈ 30 ms of start-up); test/unit/report/findings-json.test.ts checks that both agree.
import { KeyshiftError } from '../errors.js';
import type { FindingsDocument } from '../model/findings-document.js';

type Path = Array<string | number>;
/** Checks a value at a path and returns the schema's copy of it. */
type Field = (value: unknown, path: Path) => unknown;

class Invalid extends Error {
  constructor(
    readonly code: string,
    readonly path: Path,
  ) {
    super(code);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const string =
  (pattern?: RegExp): Field =>
  (v, path) => {
    if (typeof v !== 'string') throw new Invalid('invalid_type', path);
    if (pattern && !pattern.test(v)) throw new Invalid('invalid_format', path);
    return v;
  };
const int =
  (min: number): Field =>
  (v, path) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Invalid('invalid_type', path);
    if (!Number.isSafeInteger(v)) throw new Invalid('invalid_type', path);
    if (v < min) throw new Invalid('too_small', path);
    return v;
  };
const boolean: Field = (v, path) => {
  if (typeof v !== 'boolean') throw new Invalid('invalid_type', path);
  return v;
};
const oneOf =
  (...values: readonly unknown[]): Field =>
  (v, path) => {
    if (!values.includes(v)) throw new Invalid('invalid_value', path);
    return v;
  };
const nullable =
  (field: Field): Field =>
  (v, path) =>
    v === null ? null : field(v, path);
const array =
  (item: Field): Field =>
  (v, path) => {
    if (!Array.isArray(v)) throw new Invalid('invalid_type', path);
    return v.map((x, i) => item(x, [...path, i]));
  };
/** Fields marked optional may be absent (or undefined, then left out as JSON.stringify would). */
const optional = (field: Field): Field & { optional: true } => Object.assign((v: unknown, path: Path) => field(v, path), { optional: true as const });
const object =
  (shape: Record<string, Field>): Field =>
  (v, path) => {
    if (!isObject(v)) throw new Invalid('invalid_type', path);
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(shape)) {
      const value = v[key];
      if (value === undefined && 'optional' in field) continue;
      out[key] = field(value, [...path, key]);
    }
    return out;
  };
const union =
  (key: string, options: Record<string, Field>): Field =>
  (v, path) => {
    if (!isObject(v)) throw new Invalid('invalid_type', path);
    const tag = v[key];
    const option = typeof tag === 'string' && Object.hasOwn(options, tag) ? options[tag] : undefined;
    if (!option) throw new Invalid('invalid_union', [...path, key]);
    return option(v, path);
  };

// z.iso.datetime({ offset: true }), zod's own expression: seconds required, Z or ±hh:mm
const DATETIME =
  /^(?:(?:\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|[02468][048]00|[13579][26]00)-02-29|\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|(?:02)-(?:0[1-9]|1\d|2[0-8])))T(?:(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:Z|([+-](?:[01]\d|2[0-3]):[0-5]\d)))$/;
const datetime = string(DATETIME);
const positive = int(1);
const nonnegative = int(0);
const count = nonnegative;

const gitProvenance = object({
  blob: string(/^[0-9a-f]{40,64}$/),
  commit: string(/^[0-9a-f]{40,64}$/),
  authorDate: datetime,
  author: optional(string()),
  refs: array(string()),
  atHead: boolean,
});
const userDataPart = {
  part: nonnegative,
  contentType: optional(string()),
  filename: optional(string()),
  line: optional(positive),
};
const location = union('type', {
  repository: object({
    type: oneOf('repository'),
    root: string(),
    path: string(),
    line: positive,
    column: positive,
    inWorkingTree: boolean,
    git: optional(gitProvenance),
  }),
  'host-file': object({
    type: oneOf('host-file'),
    host: string(),
    path: string(),
    format: oneOf('aws-credentials', 'aws-config', 'ini', 'env', 'shell', 'json', 'yaml', 'systemd', 'compose', 'other'),
    section: optional(string()),
    variable: optional(string()),
    owner: optional(string()),
    mode: optional(string(/^0[0-7]{3,4}$/)),
    line: optional(positive),
  }),
  'process-env': object({
    type: oneOf('process-env'),
    host: string(),
    pid: positive,
    command: optional(string()),
    user: optional(string()),
    variable: string(),
  }),
  'service-env': object({
    type: oneOf('service-env'),
    host: string(),
    manager: oneOf('systemd', 'compose', 'docker'),
    unit: string(),
    file: optional(string()),
    variable: string(),
  }),
  'user-data': object({ type: oneOf('user-data'), instanceId: string(), region: string(), ...userDataPart }),
  'launch-template': object({
    type: oneOf('launch-template'),
    launchTemplateId: string(),
    launchTemplateName: optional(string()),
    version: positive,
    region: string(),
    ...userDataPart,
  }),
  'launch-configuration': object({ type: oneOf('launch-configuration'), name: string(), region: string(), ...userDataPart }),
});

/** The rule IDs, severities and key kinds of src/model/finding.ts. */
export const RULE_IDS = [
  'aws-access-key-pair',
  'aws-access-key-id',
  'aws-secret-access-key',
  'aws-credential-process',
  'aws-source-profile',
  'aws-profile-selects-static-keys',
  'aws-credentials-file-has-static-keys',
  'aws-ec2-metadata-disabled',
] as const;
export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export const KEY_KINDS = ['long-term', 'temporary', 'bearer-token', 'context-specific', 'legacy'] as const;

const finding = object({
  fingerprint: string(/^ks1:[0-9a-f]{16}$/),
  rule: oneOf(...RULE_IDS),
  severity: oneOf(...SEVERITIES),
  keyId: optional(string()),
  keyKind: optional(oneOf(...KEY_KINDS)),
  secretFingerprint: optional(string(/^sha256:[0-9a-f]{12}$/)),
  account: optional(
    object({
      id: nullable(string(/^\d{12}$/)),
      source: oneOf('decoded', 'resolved', 'not-decodable'),
    }),
  ),
  location,
});

const findingsDocument = object({
  kind: oneOf('findings'),
  version: positive,
  account: nullable(string(/^\d{12}$/)),
  asOf: datetime,
  generator: object({ name: oneOf('keyshift'), version: string() }),
  scan: object({
    target: oneOf('repo', 'host'),
    roots: array(string()),
    history: boolean,
    maxFileSize: positive,
  }),
  stats: object({
    files: count,
    bytes: count,
    blobs: count,
    skipped: object({ binary: count, tooLarge: count, symlinks: count, unreadable: count }),
    suppressed: object({ inline: count, ignoreFile: count, baseline: count }),
  }),
  problems: array(
    object({
      path: string(),
      reason: oneOf('unreadable', 'not-utf8', 'symlink-outside-root', 'symlink-loop', 'git-error'),
      message: string(),
    }),
  ),
  findings: array(finding),
});

/** The document with the schema's fields only, in its order; throws when it does not fit the schema. */
export function checkedFindingsDocument(doc: FindingsDocument): FindingsDocument {
  try {
    return findingsDocument(doc, []) as FindingsDocument;
  } catch (e) {
    if (!(e instanceof Invalid)) throw e;
    // Only the path and the issue code: a message could quote the offending value.
    const where = e.path.length > 0 ? e.path.join('.') : 'the document';
    throw new KeyshiftError('internal', `refusing to write an invalid findings document (${e.code} at ${where})`);
  }
}

export function formatFindingsJson(doc: FindingsDocument): string {
  return `${JSON.stringify(checkedFindingsDocument(doc), null, 2)}\n`;
}
