// The simulation's progress display. Formatting is pure; the reporter writes one line that it
// redraws in place on a terminal (throttled), or plain lines every few seconds when stderr is a
// file or a pipe (CI logs stay readable).

export interface ProgressState {
  /** Users whose funnel has been played. */
  done: number;
  total: number;
  requests: number;
  errors: number;
  elapsedMs: number;
  /** Optional phase shown instead of the counters' tail, e.g. "waiting for the aggregator". */
  phase?: string;
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** `[=========>          ]` for a fraction in [0, 1]; `width` counts the inside. */
export function formatBar(fraction: number, width: number): string {
  const f = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
  const inner = Math.max(1, Math.floor(width));
  const filled = Math.floor(f * inner);
  if (filled >= inner) return `[${'='.repeat(inner)}]`;
  return `[${'='.repeat(filled)}>${' '.repeat(inner - filled - 1)}]`;
}

function ratePerSecond(count: number, ms: number): number {
  return ms > 0 ? (count * 1000) / ms : 0;
}

/** The counters: `450/1000 users  1234 req  210 req/s  0 errors  ETA 3s`. */
export function formatCounters(state: ProgressState): string {
  const fraction = state.total > 0 ? state.done / state.total : 1;
  const rate = ratePerSecond(state.requests, state.elapsedMs);
  const eta = state.done > 0 && state.done < state.total ? formatDuration((state.elapsedMs / state.done) * (state.total - state.done)) : null;
  const parts = [
    `${String(Math.floor(fraction * 100)).padStart(3)}%`,
    `${state.done}/${state.total} users`,
    `${state.requests} req`,
    `${rate.toFixed(0)} req/s`,
    `${state.errors} error${state.errors === 1 ? '' : 's'}`,
    state.phase ?? (eta ? `ETA ${eta}` : `${formatDuration(state.elapsedMs)} elapsed`),
  ];
  return parts.join('  ');
}

/** Room the counters may take on a terminal line, so that the bar keeps its width while they grow. */
const COUNTERS_BUDGET = 64;

/** One terminal line of at most `columns` characters: a bar of steady width, then the counters. */
export function formatProgressLine(state: ProgressState, columns = 80): string {
  const counters = formatCounters(state);
  const label = 'simulate ';
  const width = Math.min(30, columns - label.length - 3 - COUNTERS_BUDGET);
  const fraction = state.total > 0 ? state.done / state.total : 1;
  const line = width >= 5 ? `${label}${formatBar(fraction, width)} ${counters}` : `${label}${counters}`;
  return line.length < columns ? line : line.slice(0, Math.max(1, columns - 1));
}

/** A plain, timestamp-free log line for non-terminals. */
export function formatPlainLine(state: ProgressState): string {
  return `simulate: ${formatCounters(state)}`;
}

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressReporter {
  update(state: ProgressState): void;
  /** Draws the final state and ends the line. */
  finish(state: ProgressState): void;
}

export interface ReporterOptions {
  /** Redraw at most this often on a terminal (default 100 ms). */
  ttyIntervalMs?: number;
  /** A plain line at most this often otherwise (default 2000 ms). */
  plainIntervalMs?: number;
  now?: () => number;
}

export function createProgressReporter(stream: ProgressStream, options: ReporterOptions = {}): ProgressReporter {
  const tty = stream.isTTY === true;
  const interval = tty ? (options.ttyIntervalMs ?? 100) : (options.plainIntervalMs ?? 2000);
  const now = options.now ?? (() => Date.now());
  let last = -Infinity;
  let lastText = '';
  const draw = (state: ProgressState) => {
    if (tty) {
      const text = formatProgressLine(state, stream.columns ?? 80);
      if (text !== lastText) stream.write(`\r\x1b[2K${text}`);
      lastText = text;
    } else {
      stream.write(`${formatPlainLine(state)}\n`);
    }
  };
  return {
    update(state) {
      const t = now();
      if (t - last < interval) return;
      last = t;
      draw(state);
    },
    finish(state) {
      draw(state);
      if (tty) stream.write('\n');
    },
  };
}
