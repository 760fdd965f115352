import { describe, expect, it } from 'vitest';
import { resolveMode, type ModeInputs } from '../../../cli/mode.js';

const base: ModeInputs = {
  json: false,
  color: true,
  quiet: false,
  debug: false,
  stdoutIsTTY: true,
  stderrIsTTY: true,
  stdinIsTTY: true,
  env: {},
  detectedColorLevel: 2,
};

describe('resolveMode decides colour, rendering and interactivity separately', () => {
  it('a terminal gets colour, ink and questions', () => {
    expect(resolveMode(base)).toMatchObject({ color: true, rendering: 'ink', interactive: true });
  });

  it('--json renders NDJSON even on a terminal, and keeps colour detection and questions apart', () => {
    expect(resolveMode({ ...base, json: true })).toMatchObject({ rendering: 'ndjson', interactive: true, color: true });
  });

  it('stdout piped: plain lines, but stdin may still be a terminal', () => {
    expect(resolveMode({ ...base, stdoutIsTTY: false })).toMatchObject({ rendering: 'plain', interactive: true });
  });

  it('stdin not a terminal: no questions, rendering unaffected', () => {
    expect(resolveMode({ ...base, stdinIsTTY: false })).toMatchObject({ rendering: 'ink', interactive: false });
  });

  it('NO_COLOR, --no-color and an undetected terminal each turn colour off', () => {
    expect(resolveMode({ ...base, env: { NO_COLOR: '1' } }).color).toBe(false);
    expect(resolveMode({ ...base, color: false }).color).toBe(false);
    expect(resolveMode({ ...base, detectedColorLevel: 0 }).color).toBe(false);
    expect(resolveMode({ ...base, env: { NO_COLOR: '' } }).color).toBe(true);
  });

  it('TERM=dumb gets plain lines', () => {
    expect(resolveMode({ ...base, env: { TERM: 'dumb' } }).rendering).toBe('plain');
  });
});
