// The permissions policy is generated from AWS_CALLS; this test keeps that table honest by
// reading the source: every SDK command the engine sends must be listed, and every listed
// command must still be sent somewhere.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AWS_CALLS } from '../../../src/aws/aws-calls.js';
import { permissionsPolicy } from '../../../src/aws/permissions-policy.js';

const srcDir = fileURLToPath(new URL('../../../src', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function commandsSent(): Set<string> {
  const sent = new Set<string>();
  // the demo seeds its emulated account (a local moto server), never a real one
  for (const file of sourceFiles(srcDir).filter((f) => !f.includes(`${join('src', 'demo')}`))) {
    const text = readFileSync(file, 'utf8');
    // `new XCommand(` and, for SDKs loaded lazily, `new this.sdk.XCommand(`
    for (const m of text.matchAll(/new\s+(?:[\w.]+\.)?([A-Z][A-Za-z0-9]*Command)\s*\(/g)) sent.add(m[1]!);
    // paginators send the command they are named after
    for (const m of text.matchAll(/\bpaginate([A-Z][A-Za-z0-9]*)\s*\(/g)) sent.add(`${m[1]!}Command`);
  }
  return sent;
}

describe('the table of AWS calls', () => {
  const listed = new Set(AWS_CALLS.flatMap((c) => c.commands));

  it('lists every SDK command the engine sends', () => {
    const missing = [...commandsSent()].filter((c) => !listed.has(c));
    expect(missing).toEqual([]);
  });

  it('lists no command the engine no longer sends', () => {
    const sent = commandsSent();
    expect([...listed].filter((c) => !sent.has(c))).toEqual([]);
  });

  it('names real IAM actions, and the scan policy grants exactly them, without wildcards', () => {
    for (const c of AWS_CALLS) expect(c.action).toMatch(/^[a-z0-9-]+:[A-Z][A-Za-z0-9]+$/);
    const policy = permissionsPolicy('scan');
    const actions = policy.Statement.flatMap((s) => s.Action);
    expect(actions.some((a) => a.includes('*'))).toBe(false);
    expect(new Set(actions)).toEqual(new Set(AWS_CALLS.filter((c) => c.use === 'scan').map((c) => c.action)));
  });
});
