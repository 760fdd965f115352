// The live view of `keyshift apply` in a terminal: per workload, where it stands in the four
// stages, the step in flight, and what it waits for or why it stopped. Many workloads stay
// compact: the ones that need a person or time first, then "and N more". Rendered by ink on
// stderr; the summary with every detail still follows on stdout when the run ends.
import { Box, Text } from 'ink';
import { STAGES, type Stage } from '../../src/model/stages.js';

/** A step that ended without finishing, so its workload cannot go on past it this run. */
export interface StepNote {
  step: string;
  stage?: string;
  kind?: string;
  status: 'waiting' | 'paused' | 'blocked' | 'failed';
  message: string;
  /** waiting: ISO 8601 time the gate can pass */
  until?: string;
  /** paused: what a person runs */
  commands?: string[];
}

export interface StepInFlight {
  step: string;
  stage?: string;
  kind?: string;
  message: string;
}

export interface WorkloadProgress {
  id: string;
  name: string;
  /** steps in scope, and how many of them are done (before or during this run) */
  steps: number;
  finished: number;
  /** the latest stage a step of this workload reported in this run */
  stage?: Stage;
  inFlight: StepInFlight[];
  notes: StepNote[];
}

export interface ApplyProgressState {
  phase: string;
  workloads: WorkloadProgress[];
  warnings: string[];
  startedAt: number;
  now: number;
}

export type StageMark = 'done' | 'active' | 'waiting' | 'stopped' | 'pending';
export type WorkloadStatus = 'failed' | 'blocked' | 'paused' | 'waiting' | 'running' | 'pending' | 'done';

// symbols differ as well as colours, so the marks read the same with NO_COLOR
const MARK: Record<StageMark, { symbol: string; color?: string; dim?: boolean }> = {
  done: { symbol: '✔', color: 'green' },
  active: { symbol: '▸', color: 'cyan' },
  waiting: { symbol: '⏸', color: 'yellow' },
  stopped: { symbol: '✖', color: 'red' },
  pending: { symbol: '·', dim: true },
};

const STATUS_COLOR: Record<WorkloadStatus, string | undefined> = {
  failed: 'red',
  blocked: 'red',
  paused: 'yellow',
  waiting: 'yellow',
  running: 'cyan',
  pending: undefined,
  done: 'green',
};

// the order rows are shown in: what needs a person, then what waits for time, then the rest
const RANK: WorkloadStatus[] = ['failed', 'blocked', 'paused', 'waiting', 'running', 'pending', 'done'];

export function workloadStatus(w: WorkloadProgress): WorkloadStatus {
  const has = (s: StepNote['status']) => w.notes.some((n) => n.status === s);
  if (has('failed')) return 'failed';
  if (has('blocked')) return 'blocked';
  if (has('paused')) return 'paused';
  if (has('waiting')) return 'waiting';
  if (w.inFlight.length > 0) return 'running';
  if (w.steps > 0 && w.finished >= w.steps) return 'done';
  return w.stage === undefined ? 'pending' : 'running';
}

/**
 * Where a workload stands in one stage. The executor reports steps, not per-stage totals, so a
 * stage counts as done once a later stage has begun (stages run in order) or every step in
 * scope is done; what a step of the stage says right now (in flight, waiting, stopped) wins.
 */
export function stageMark(w: WorkloadProgress, stage: Stage): StageMark {
  const notes = w.notes.filter((n) => n.stage === stage);
  if (notes.some((n) => n.status === 'blocked' || n.status === 'failed')) return 'stopped';
  if (w.inFlight.some((s) => s.stage === stage)) return 'active';
  if (notes.length > 0) return 'waiting';
  if (w.stage === undefined) return 'pending';
  const i = STAGES.indexOf(stage);
  const current = STAGES.indexOf(w.stage);
  if (i < current) return 'done';
  if (i > current) return 'pending';
  return w.steps > 0 && w.finished >= w.steps ? 'done' : 'active';
}

export function formatElapsed(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const whole = Math.floor(s);
  if (whole < 3600) return `${Math.floor(whole / 60)}m ${String(whole % 60).padStart(2, '0')}s`;
  return `${Math.floor(whole / 3600)}h ${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')}m`;
}

/** "2025-06-01 14:00 UTC, in 2h 05m"; the raw text when it is not a time. */
export function formatUntil(until: string, now: number): string {
  const t = Date.parse(until);
  if (Number.isNaN(t)) return until;
  const at = `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return t <= now ? `${at}, due now` : `${at}, in ${formatElapsed(t - now)}`;
}

const MAX_NOTES = 2;
const MAX_COMMANDS = 3;

export function ApplyProgressView({ state, maxRows = 15 }: { state: ApplyProgressState; maxRows?: number }) {
  const statuses = new Map(state.workloads.map((w) => [w, workloadStatus(w)]));
  const rows = state.workloads
    .map((w, i) => ({ w, i, status: statuses.get(w)! }))
    .sort((a, b) => RANK.indexOf(a.status) - RANK.indexOf(b.status) || a.i - b.i);
  const shown = rows.length > maxRows ? rows.slice(0, maxRows) : rows;
  const hidden = rows.slice(shown.length);
  const steps = state.workloads.reduce((n, w) => n + w.steps, 0);
  const finished = state.workloads.reduce((n, w) => n + w.finished, 0);
  const inFlight = state.workloads.reduce((n, w) => n + w.inFlight.length, 0);
  return (
    <Box flexDirection="column">
      <Text>
        <Text color="cyan">keyshift apply</Text> <Text dimColor>{formatElapsed(state.now - state.startedAt)}</Text>
        {`  ${finished}/${steps} steps done${inFlight > 0 ? `, ${inFlight} in flight` : ''}`}
        {`  ${state.workloads.length} workload${state.workloads.length === 1 ? '' : 's'}${countsText(rows.map((r) => r.status))}`}
      </Text>
      {state.phase ? (
        <Text dimColor wrap="truncate-end">
          {'  '}
          {state.phase}
        </Text>
      ) : null}
      {shown.map(({ w, status }) => (
        <WorkloadRow key={w.id} w={w} status={status} now={state.now} />
      ))}
      {hidden.length > 0 ? (
        <Text dimColor>
          {'  '}and {hidden.length} more{countsText(hidden.map((r) => r.status))}
        </Text>
      ) : null}
      {state.warnings.slice(-3).map((w, i) => (
        <Text key={i} color="yellow" wrap="truncate-end">
          {'  '}warning: {w}
        </Text>
      ))}
    </Box>
  );
}

/** ": 1 blocked, 2 waiting, 3 done" in RANK order, or nothing when there are no rows. */
function countsText(statuses: WorkloadStatus[]): string {
  const parts = RANK.map((s) => [s, statuses.filter((x) => x === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`);
  return parts.length > 0 ? `: ${parts.join(', ')}` : '';
}

function WorkloadRow({ w, status, now }: { w: WorkloadProgress; status: WorkloadStatus; now: number }) {
  const flight = w.inFlight[0];
  const notes = w.notes.slice(0, MAX_NOTES);
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        {'  '}
        <Text bold>{w.name}</Text>
        {w.name !== w.id ? <Text dimColor> ({w.id})</Text> : null}
        {`  ${w.finished}/${w.steps}`}
        {STAGES.map((stage) => {
          const mark = MARK[stageMark(w, stage)];
          return (
            <Text key={stage}>
              {`  ${stage} `}
              <Text color={mark.color} dimColor={mark.dim}>
                {mark.symbol}
              </Text>
            </Text>
          );
        })}
        {'  '}
        <Text color={STATUS_COLOR[status]}>{status}</Text>
      </Text>
      {flight ? (
        <Text dimColor wrap="truncate-end">
          {'    '}▸ {stepLabel(flight)}: {flight.message}
          {w.inFlight.length > 1 ? ` (+${w.inFlight.length - 1} more in flight)` : ''}
        </Text>
      ) : null}
      {notes.map((n) => (
        <NoteLines key={n.step} note={n} now={now} />
      ))}
      {w.notes.length > MAX_NOTES ? (
        <Text dimColor>
          {'    '}and {w.notes.length - MAX_NOTES} more step(s) waiting or stopped
        </Text>
      ) : null}
    </Box>
  );
}

function NoteLines({ note, now }: { note: StepNote; now: number }) {
  const color = note.status === 'blocked' || note.status === 'failed' ? 'red' : 'yellow';
  const commands = note.commands ?? [];
  return (
    <Box flexDirection="column">
      <Text color={color}>
        {'    '}
        {note.status} {stepLabel(note)}: {note.message}
        {note.until ? ` (until ${formatUntil(note.until, now)})` : ''}
      </Text>
      {commands.slice(0, MAX_COMMANDS).map((c, i) => (
        <Text key={i}>
          {'      '}$ {c}
        </Text>
      ))}
      {commands.length > MAX_COMMANDS ? (
        <Text dimColor>
          {'      '}... and {commands.length - MAX_COMMANDS} more command(s) in the summary
        </Text>
      ) : null}
    </Box>
  );
}

function stepLabel(s: { step: string; stage?: string; kind?: string }): string {
  return [s.stage, s.kind ?? s.step].filter(Boolean).join(' ');
}
