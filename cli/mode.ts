// resolveMode(): three separate questions decide how keyshift talks to its caller (DESIGN.md).
// colour: chalk's own detection, NO_COLOR, --no-color.
// rendering: ink views only when stdout is a TTY and not --json (progress goes to stderr,
//   so stderr must be a terminal too); NDJSON events with --json; plain lines otherwise.
// interactivity: questions only when stdin is a TTY; otherwise the question's default.
export type Rendering = 'ink' | 'plain' | 'ndjson';

export interface Mode {
  color: boolean;
  rendering: Rendering;
  interactive: boolean;
  quiet: boolean;
  debug: boolean;
  json: boolean;
}

export interface ModeInputs {
  json: boolean;
  /** false when --no-color was given */
  color: boolean;
  quiet: boolean;
  debug: boolean;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  stdinIsTTY: boolean;
  env: Record<string, string | undefined>;
  /** chalk's detected colour level for stdout (0 = none) */
  detectedColorLevel: number;
}

export function resolveMode(i: ModeInputs): Mode {
  const noColorEnv = i.env.NO_COLOR !== undefined && i.env.NO_COLOR !== '';
  const color = i.color && !noColorEnv && i.detectedColorLevel > 0;
  const rendering: Rendering = i.json ? 'ndjson' : i.stdoutIsTTY && i.stderrIsTTY && i.env.TERM !== 'dumb' ? 'ink' : 'plain';
  return { color, rendering, interactive: i.stdinIsTTY, quiet: i.quiet, debug: i.debug, json: i.json };
}
