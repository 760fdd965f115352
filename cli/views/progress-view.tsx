// The live progress view for a terminal: the current phase, counts and bytes per phase,
// findings so far, warnings. Rendered by ink on stderr; results still go to stdout.
import { Box, Text } from 'ink';
import type { IoEvent } from '../../src/io/host.js';
import { progressLine } from './progress-line.js';

type Progress = Extract<IoEvent, { type: 'progress' }>;

export interface ProgressState {
  phase: string;
  progress: Progress[];
  findings: number;
  warnings: string[];
  startedAt: number;
  now: number;
}

export function ProgressView({ state }: { state: ProgressState }) {
  const seconds = ((state.now - state.startedAt) / 1000).toFixed(1);
  return (
    <Box flexDirection="column">
      <Text>
        <Text color="cyan">keyshift</Text> {state.phase} <Text dimColor>({seconds}s)</Text>
      </Text>
      {state.progress.map((p) => (
        <Text key={p.phase}>  {progressLine(p)}</Text>
      ))}
      <Text>
        {'  '}findings so far: <Text color={state.findings > 0 ? 'red' : 'green'}>{state.findings}</Text>
      </Text>
      {state.warnings.slice(-5).map((w, i) => (
        <Text key={i} color="yellow">
          {'  '}warning: {w}
        </Text>
      ))}
    </Box>
  );
}
