// SARIF 2.1.0 for GitHub code scanning and other SARIF viewers. GitHub's documented
// requirements ("SARIF support for code scanning"): rules with id, shortDescription,
// fullDescription and help; results with a ruleId that matches a rule, a message, a location
// whose artifact URI is relative to the repository root, a full region, and
// partialFingerprints, of which GitHub uses primaryLocationLineHash. security-severity on a
// rule tagged "security" makes GitHub rank alerts as critical/high/medium/low.
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Finding, KeyKind, RuleId, Severity } from '../model/finding.js';
import { RuleId as RuleIds } from '../model/finding.js';
import type { FindingsDocument, ScanProblem } from '../model/findings-document.js';
import type { Location, RepositoryLocation } from '../model/location.js';
import { describeLocation } from '../model/location.js';
import { shortSha } from './finding-cells.js';
import { RULE_DESCRIPTIONS } from './rule-descriptions.js';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
/** Where a SARIF viewer links for more about the tool. */
export const KEYSHIFT_INFORMATION_URI = 'https://www.npmjs.com/package/keyshift';
/** The partialFingerprints key under which keyshift's own finding fingerprint is stored. */
export const FINGERPRINT_KEY = 'keyshift/v1';

type SarifLevel = 'error' | 'warning' | 'note';
type PropertyBag = Record<string, unknown>;

interface SarifMessage {
  text: string;
}

export interface SarifRule {
  id: string;
  name: string;
  shortDescription: SarifMessage;
  fullDescription: SarifMessage;
  help: { text: string; markdown: string };
  defaultConfiguration: { level: SarifLevel };
  properties: { tags: string[]; precision: 'high'; 'security-severity': string; severity: Severity };
}

export interface SarifLocation {
  physicalLocation?: {
    artifactLocation: { uri: string; uriBaseId: string };
    region: { startLine: number; startColumn: number; endLine: number; endColumn: number };
  };
  logicalLocations?: { name: string; fullyQualifiedName: string; kind: string }[];
  message?: SarifMessage;
  properties?: PropertyBag;
}

export interface SarifResult {
  ruleId: RuleId;
  ruleIndex: number;
  level: SarifLevel;
  message: SarifMessage;
  locations: SarifLocation[];
  fingerprints: Record<string, string>;
  partialFingerprints: Record<string, string>;
  properties: PropertyBag;
}

export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: [
    {
      tool: {
        driver: {
          name: 'keyshift';
          version: string;
          semanticVersion?: string;
          informationUri: string;
          rules: SarifRule[];
        };
      };
      originalUriBaseIds?: Record<string, { uri: string; description: SarifMessage }>;
      invocations: { executionSuccessful: boolean; toolExecutionNotifications?: unknown[] }[];
      columnKind: 'utf16CodeUnits';
      results: SarifResult[];
    },
  ];
}

/** GitHub: over 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low. */
const SECURITY_SEVERITY: Readonly<Record<Severity, string>> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0' };

const LEVEL: Readonly<Record<Severity, SarifLevel>> = { critical: 'error', high: 'error', medium: 'warning', low: 'note' };

/** The highlighted region's width: the key ID when there is one, else the secret. */
const SECRET_LENGTH = 40;

const KEY_KIND_LABEL: Readonly<Record<KeyKind, string>> = {
  'long-term': 'Long-term key (IAM user or root)',
  temporary: 'Temporary key (STS)',
  'bearer-token': 'Bearer token key (STS service bearer token)',
  'context-specific': 'Context-specific credential',
  legacy: 'Legacy-format key',
};

const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

export function buildSarif(doc: FindingsDocument): SarifLog {
  // Every rule is always listed, in a fixed order, so rule indexes and rule metadata are the
  // same in every run (GitHub: rules should change only when the tool changes).
  const ruleIds = RuleIds.options;
  const baseIds = uriBaseIds(doc);
  const baseUris = originalUriBaseIds(baseIds);
  const version = doc.generator.version;
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'keyshift',
            version,
            ...(SEMVER.test(version) ? { semanticVersion: version } : {}),
            informationUri: KEYSHIFT_INFORMATION_URI,
            rules: ruleIds.map(sarifRule),
          },
        },
        ...(Object.keys(baseUris).length > 0 ? { originalUriBaseIds: baseUris } : {}),
        invocations: [invocation(doc.problems)],
        // columns count UTF-16 code units, the way JavaScript strings index text
        columnKind: 'utf16CodeUnits',
        results: doc.findings.map((f) => sarifResult(f, ruleIds.indexOf(f.rule), baseIds)),
      },
    ],
  };
}

export function formatSarif(doc: FindingsDocument): string {
  return `${JSON.stringify(buildSarif(doc), null, 2)}\n`;
}

function sarifRule(id: RuleId): SarifRule {
  const d = RULE_DESCRIPTIONS[id];
  return {
    id,
    name: d.name,
    shortDescription: { text: d.short },
    fullDescription: { text: d.full },
    help: { text: d.helpText, markdown: d.helpMarkdown },
    defaultConfiguration: { level: LEVEL[d.defaultSeverity] },
    properties: {
      // CWE-798, use of hard-coded credentials: GitHub shows external/cwe tags as the CWE
      tags: ['security', 'external/cwe/cwe-798'],
      precision: 'high',
      'security-severity': SECURITY_SEVERITY[d.defaultSeverity],
      severity: d.defaultSeverity,
    },
  };
}

function sarifResult(f: Finding, ruleIndex: number, baseIds: ReadonlyMap<string, string>): SarifResult {
  return {
    ruleId: f.rule,
    ruleIndex,
    level: LEVEL[f.severity],
    message: { text: resultMessage(f) },
    locations: [sarifLocation(f, baseIds)],
    fingerprints: { [FINGERPRINT_KEY]: f.fingerprint },
    partialFingerprints: {
      [FINGERPRINT_KEY]: f.fingerprint,
      // GitHub matches alerts across runs by primaryLocationLineHash only, and computes one
      // from the file's line content when it is missing (or cannot, for a file that is gone
      // from the checkout). keyshift's fingerprint is already line-independent (rule + key +
      // path), so it is the better identity: an alert survives edits that move the key.
      primaryLocationLineHash: `${f.fingerprint.slice('ks1:'.length)}:1`,
    },
    properties: resultProperties(f),
  };
}

function sarifLocation(f: Finding, baseIds: ReadonlyMap<string, string>): SarifLocation {
  const loc = f.location;
  if (loc.type === 'repository') {
    const width = f.keyId?.length ?? SECRET_LENGTH;
    return {
      physicalLocation: {
        artifactLocation: { uri: relativeUri(loc.path), uriBaseId: baseIds.get(loc.root) ?? SRCROOT },
        region: { startLine: loc.line, startColumn: loc.column, endLine: loc.line, endColumn: loc.column + width },
      },
    };
  }
  // Hosts, processes and EC2 user data are not files in a repository: a logical location
  // names them, and GitHub (which needs a physical location) will not annotate them.
  return {
    logicalLocations: [{ name: logicalName(loc), fullyQualifiedName: describeLocation(loc), kind: logicalKind(loc) }],
    message: { text: describeLocation(loc) },
    properties: { locationType: loc.type },
  };
}

function logicalName(loc: Exclude<Location, RepositoryLocation>): string {
  switch (loc.type) {
    case 'host-file':
      return loc.path;
    case 'process-env':
    case 'service-env':
      return loc.variable;
    case 'user-data':
      return loc.instanceId;
    case 'launch-template':
      return loc.launchTemplateId;
    case 'launch-configuration':
      return loc.name;
  }
}

function logicalKind(loc: Exclude<Location, RepositoryLocation>): string {
  return loc.type === 'process-env' || loc.type === 'service-env' ? 'variable' : 'resource';
}

function resultMessage(f: Finding): string {
  const key = f.keyId ?? 'unknown';
  const secret = f.secretFingerprint ?? 'unknown fingerprint';
  const sentences: string[] = [];
  switch (f.rule) {
    case 'aws-access-key-pair':
      sentences.push(`Usable AWS credential: access key ID ${key} with its secret access key (${secret}).`);
      break;
    case 'aws-access-key-id':
      sentences.push(`AWS access key ID ${key}.`);
      break;
    case 'aws-secret-access-key':
      sentences.push(`AWS secret access key (${secret}) without its key ID nearby.`);
      break;
    default:
      // the host rules: a setting that keeps a workload on a static key
      sentences.push(`${RULE_DESCRIPTIONS[f.rule].short}${f.keyId ? ` (key ID ${f.keyId})` : ''}.`);
  }
  const kind = f.keyKind ? KEY_KIND_LABEL[f.keyKind] : undefined;
  const account = accountPhrase(f);
  if (kind || account) sentences.push(`${kind ?? 'Key'}${account ? `, ${account}` : ''}.`);
  const loc = f.location;
  if (loc.type === 'repository' && loc.git) {
    const where = loc.git.atHead ? 'still present at HEAD' : 'no longer at HEAD but still in git history';
    sentences.push(`First added in commit ${shortSha(loc.git.commit)} (${loc.git.authorDate.slice(0, 10)}), ${where}.`);
  }
  return sentences.join(' ');
}

function accountPhrase(f: Finding): string | undefined {
  const a = f.account;
  if (!a) return undefined;
  if (a.source === 'not-decodable' || a.id === null) return 'account not decodable from this key ID';
  return a.source === 'resolved' ? `account ${a.id} (resolved with sts:GetAccessKeyInfo)` : `account ${a.id}`;
}

function resultProperties(f: Finding): PropertyBag {
  const props: PropertyBag = { severity: f.severity, 'security-severity': SECURITY_SEVERITY[f.severity] };
  if (f.keyKind) props.keyKind = f.keyKind;
  if (f.account) props.account = f.account.id ?? 'not decodable';
  const loc = f.location;
  if (loc.type === 'repository') {
    props.inWorkingTree = loc.inWorkingTree;
    if (loc.git) {
      props.commit = loc.git.commit;
      props.authorDate = loc.git.authorDate;
      props.refs = loc.git.refs;
      props.atHead = loc.git.atHead;
    }
  }
  return props;
}

function invocation(problems: readonly ScanProblem[]): SarifLog['runs'][0]['invocations'][0] {
  // The scan finished; unreadable inputs are reported as notifications, not as a failed run.
  if (problems.length === 0) return { executionSuccessful: true };
  return {
    executionSuccessful: true,
    toolExecutionNotifications: problems.map((p) => ({
      level: 'warning',
      message: { text: `Could not read ${p.path} (${p.reason}): ${p.message}` },
      properties: { path: p.path, reason: p.reason },
    })),
  };
}

const SRCROOT = '%SRCROOT%';

/** One base ID per scanned root: %SRCROOT% for the first (usually the only) one. */
function uriBaseIds(doc: FindingsDocument): Map<string, string> {
  const ids = new Map<string, string>();
  const roots = [...doc.scan.roots];
  for (const f of doc.findings) if (f.location.type === 'repository') roots.push(f.location.root);
  for (const root of roots) {
    if (!ids.has(root)) ids.set(root, ids.size === 0 ? SRCROOT : `%SRCROOT${ids.size + 1}%`);
  }
  return ids;
}

function originalUriBaseIds(ids: ReadonlyMap<string, string>): Record<string, { uri: string; description: SarifMessage }> {
  const out: Record<string, { uri: string; description: SarifMessage }> = {};
  for (const [root, id] of ids) {
    // only absolute roots make an absolute base URI; anything else would depend on the cwd
    if (!isAbsolute(root)) continue;
    const href = pathToFileURL(root).href;
    out[id] = { uri: href.endsWith('/') ? href : `${href}/`, description: { text: 'A root keyshift scanned.' } };
  }
  return out;
}

/** A repository path as a relative URI reference: each segment percent-encoded. */
function relativeUri(path: string): string {
  return path
    .replace(/^\/+/, '')
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}
