import { describe, expect, it } from 'vitest';
import { buildSarif, FINGERPRINT_KEY, formatSarif, SARIF_SCHEMA_URI } from '../../../src/report/sarif.js';
import { emptyDocument, ROOT, sampleDocument } from './sample-document.js';
import { RuleId } from '../../../src/model/finding.js';
import { sarifValidator } from '../../helpers/sarif-validator.js';


describe('formatSarif', () => {
  const validate = sarifValidator();

  it('is valid against the official SARIF 2.1.0 schema', () => {
    for (const doc of [sampleDocument().doc, emptyDocument()]) {
      const log = JSON.parse(formatSarif(doc)) as unknown;
      const ok = validate(log);
      expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
      expect(ok).toBe(true);
    }
  });

  it('the validator does catch an invalid log', () => {
    const log = buildSarif(sampleDocument().doc) as unknown as { runs: { results: { level: string }[] }[] };
    log.runs[0]!.results[0]!.level = 'fatal';
    expect(validate(log)).toBe(false);
  });

  it('has the sarifLog fields GitHub requires', () => {
    const log = buildSarif(sampleDocument().doc);
    expect(log.$schema).toBe(SARIF_SCHEMA_URI);
    expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    const driver = log.runs[0].tool.driver;
    expect(driver.name).toBe('keyshift');
    expect(driver.version).toBe('0.1.0');
    expect(driver.semanticVersion).toBe('0.1.0');
    expect(driver.informationUri).toMatch(/^https:\/\//);
  });

  it('describes every rule the way GitHub requires, with a security severity', () => {
    const rules = buildSarif(sampleDocument().doc).runs[0].tool.driver.rules;
    expect(rules.map((r) => r.id)).toEqual(RuleId.options);
    const expected: Record<string, { score: string; level: string }> = {
      'aws-access-key-pair': { score: '9.5', level: 'error' },
      'aws-access-key-id': { score: '8.0', level: 'error' },
      'aws-secret-access-key': { score: '8.0', level: 'error' },
      'aws-credential-process': { score: '5.5', level: 'warning' },
      'aws-source-profile': { score: '5.5', level: 'warning' },
      'aws-profile-selects-static-keys': { score: '8.0', level: 'error' },
      'aws-credentials-file-has-static-keys': { score: '8.0', level: 'error' },
      'aws-ec2-metadata-disabled': { score: '8.0', level: 'error' },
    };
    for (const rule of rules) {
      expect(rule.name.length).toBeGreaterThan(0);
      expect(rule.name.length).toBeLessThanOrEqual(255);
      for (const text of [rule.shortDescription.text, rule.fullDescription.text]) {
        expect(text.length).toBeGreaterThan(0);
        expect(text.length).toBeLessThanOrEqual(1024);
      }
      expect(rule.help.text).toMatch(/Deactivate the access key/);
      expect(rule.help.text).toMatch(/IAM role/);
      expect(rule.help.markdown).toMatch(/\*\*Deactivate the access key\*\*/);
      expect(rule.properties.tags).toContain('security');
      expect(rule.properties['security-severity']).toBe(expected[rule.id]!.score);
      const score = Number(rule.properties['security-severity']);
      expect(score).toBeGreaterThan(0);
      expect(score).toBeLessThanOrEqual(10);
      expect(rule.defaultConfiguration.level).toBe(expected[rule.id]!.level);
    }
  });

  it('lists the same rules whatever was found, so rule indexes are stable across runs', () => {
    const withFindings = buildSarif(sampleDocument().doc).runs[0].tool.driver.rules;
    const without = buildSarif(emptyDocument()).runs[0].tool.driver.rules;
    expect(without).toEqual(withFindings);
  });

  it('gives every result a ruleId matching its rule index, a message and partial fingerprints', () => {
    const { doc } = sampleDocument();
    const run = buildSarif(doc).runs[0];
    expect(run.results).toHaveLength(doc.findings.length);
    run.results.forEach((result, i) => {
      const finding = doc.findings[i]!;
      expect(result.ruleId).toBe(finding.rule);
      expect(run.tool.driver.rules[result.ruleIndex]!.id).toBe(result.ruleId);
      expect(result.message.text.length).toBeGreaterThan(0);
      expect(result.partialFingerprints[FINGERPRINT_KEY]).toBe(finding.fingerprint);
      expect(result.partialFingerprints.primaryLocationLineHash).toBe(`${finding.fingerprint.slice(4)}:1`);
      expect(result.fingerprints[FINGERPRINT_KEY]).toBe(finding.fingerprint);
      expect(result.locations.length).toBeGreaterThanOrEqual(1);
      expect(result.locations.length).toBeLessThanOrEqual(10);
    });
  });

  it('maps severity to the result level', () => {
    const { doc } = sampleDocument();
    const levels = buildSarif(doc).runs[0].results.map((r) => r.level);
    expect(levels).toEqual(doc.findings.map((f) => ({ critical: 'error', high: 'error', medium: 'warning', low: 'note' })[f.severity]));
  });

  it('uses relative, percent-encoded artifact URIs under %SRCROOT% with a full region', () => {
    const { doc } = sampleDocument();
    const run = buildSarif(doc).runs[0];
    expect(run.originalUriBaseIds?.['%SRCROOT%']?.uri).toBe(`file://${ROOT}/`);
    doc.findings.forEach((finding, i) => {
      const loc = finding.location;
      if (loc.type !== 'repository') return;
      const physical = run.results[i]!.locations[0]!.physicalLocation!;
      const uri = physical.artifactLocation.uri;
      expect(uri).not.toMatch(/^[A-Za-z][A-Za-z0-9+.-]*:/); // no scheme: relative
      expect(uri.startsWith('/')).toBe(false);
      expect(physical.artifactLocation.uriBaseId).toBe('%SRCROOT%');
      expect(decodeURIComponent(uri)).toBe(loc.path);
      const width = finding.keyId ? finding.keyId.length : 40;
      expect(physical.region).toEqual({ startLine: loc.line, startColumn: loc.column, endLine: loc.line, endColumn: loc.column + width });
    });
    const uris = run.results.map((r) => r.locations[0]!.physicalLocation?.artifactLocation.uri);
    expect(uris).toContain('docs/set%7Cup%20%60notes%60.md');
    expect(uris).toContain('scripts/deploy%2Cold.sh');
  });

  it('gives locations outside a repository a logical location, not a file artifact', () => {
    const { doc } = sampleDocument();
    const index = doc.findings.findIndex((f) => f.location.type === 'host-file');
    const location = buildSarif(doc).runs[0].results[index]!.locations[0]!;
    expect(location.physicalLocation).toBeUndefined();
    expect(location.logicalLocations).toEqual([
      {
        name: '/home/app/.aws/credentials',
        fullyQualifiedName: 'i-0abc1234def567890:/home/app/.aws/credentials [default]:2',
        kind: 'resource',
      },
    ]);
  });

  it('names the key ID in full and the secret only by its fingerprint', () => {
    const { doc, keyIds } = sampleDocument();
    const results = buildSarif(doc).runs[0].results;
    const pair = doc.findings[0]!;
    expect(results[0]!.message.text).toContain(keyIds.pair);
    expect(results[0]!.message.text).toContain(pair.secretFingerprint);
    expect(results[0]!.message.text).toMatch(/^Usable AWS credential/);
    expect(results[0]!.message.text).toContain('account 123456789012');
    expect(results[0]!.message.text).toContain('no longer at HEAD but still in git history');
    expect(results[2]!.message.text).toContain('account not decodable');
    expect(results[3]!.message.text).toContain(doc.findings[3]!.secretFingerprint);
  });

  it('carries git provenance in result properties', () => {
    const { doc } = sampleDocument();
    const results = buildSarif(doc).runs[0].results;
    const git = doc.findings[0]!.location.type === 'repository' ? doc.findings[0]!.location.git : undefined;
    expect(results[0]!.properties).toMatchObject({
      severity: 'critical',
      commit: git?.commit,
      authorDate: git?.authorDate,
      refs: ['refs/heads/main', 'refs/tags/v1.0.0'],
      atHead: false,
      inWorkingTree: false,
    });
    expect(results[1]!.properties).not.toHaveProperty('commit');
  });

  it('reports unreadable inputs as tool notifications', () => {
    const invocation = buildSarif(sampleDocument().doc).runs[0].invocations[0]!;
    expect(invocation.executionSuccessful).toBe(true);
    expect(invocation.toolExecutionNotifications).toHaveLength(1);
    expect(buildSarif(emptyDocument()).runs[0].invocations[0]!.toolExecutionNotifications).toBeUndefined();
  });

  it('is deterministic and ends with a newline', () => {
    const { doc } = sampleDocument();
    const text = formatSarif(doc);
    expect(formatSarif(doc)).toBe(text);
    expect(text.endsWith('}\n')).toBe(true);
  });
});
