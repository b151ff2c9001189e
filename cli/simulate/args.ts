import { parseFlags, UsageError } from '../../local/cli/flags.ts';
// Flags of `splitloop simulate`, parsed without side effects so that every bad flag gets a clear
// message (and exit code 2) before anything touches the API.

export interface SimulateArgs {
  experimentId: string;
  users: number;
  lift: number;
  durationSeconds: number;
  graphqlUrl: string;
  concurrency: number;
  seed: number | undefined;
  json: boolean;
  /** Seconds to wait for the aggregator to fold the events in before reading the results. */
  settleSeconds: number;
  /** Time-compressed mode: the users arrive over this many simulated days (null: off). */
  days: number | null;
  /** Real seconds one simulated day lasts in time-compressed mode. */
  daySeconds: number;
}

export type ParseResult = { ok: true; args: SimulateArgs } | { ok: false; error: string } | { ok: false; help: true };

export const SIMULATE_USAGE = `usage: splitloop simulate --experiment ID [--users N] [--lift L] [--duration S] [--url URL]
                         [--concurrency C] [--seed N] [--settle S] [--json]
                         [--days D [--day-seconds S]]

Plays a referral funnel against the local API: each user is assigned (API key), sharers get a
code and send invites (Poisson-ish), invites are clicked, clicks sign up as new referees (IAM),
referees convert with an order value (IAM). In every variant other than the control a referee's
conversion probability is multiplied by (1 + L): the known true effect. Prints the results.

  --experiment ID    a RUNNING experiment (npm start prints the demo experiment's id)
  --users N          enrolled users to simulate (default 1000)
  --lift L           relative lift of the treatment's conversion probability, > -1 (default 0.1)
  --duration S       spread the users' arrivals over S seconds (default 30; 0 = as fast as possible)
  --url URL          the GraphQL endpoint (default http://localhost:$PORT/graphql, PORT=4000)
  --concurrency C    requests in flight at most (default 16)
  --seed N           seed of the random generator, for a reproducible funnel (default random)
  --settle S         seconds to wait for the live counts to include every event (default 30)
  --json             print the final report as JSON instead of a table
  --days D           time-compressed mode: D simulated days of traffic, each lasting --day-seconds
                     real seconds (default 6), instead of --duration; the report then lists the
                     scheduled analysis' snapshots and alerts. Start the server with a fast
                     schedule (npm start runs it every 10 s; SPLITLOOP_SCHEDULE_RATE=2s for more).

Credentials come from the same environment as npm start: SPLITLOOP_API_KEY, SPLITLOOP_ACCESS_KEY_ID /
SPLITLOOP_SECRET_ACCESS_KEY, and the JWT key in .splitloop/ (results need an experimenters token).
`;

const FLAGS = ['experiment', 'users', 'lift', 'duration', 'url', 'concurrency', 'seed', 'settle', 'json', 'help', 'days', 'day-seconds'] as const;
type Flag = (typeof FLAGS)[number];
const BOOLEAN: ReadonlySet<Flag> = new Set<Flag>(['json', 'help']);

function integer(flag: string, text: string, min: number, max: number): number | string {
  if (!/^[+-]?\d+$/.test(text.trim())) return `--${flag} must be a whole number, got "${text}"`;
  const n = Number(text);
  if (n < min || n > max) return `--${flag} must be from ${min} to ${max}, got ${n}`;
  return n;
}

function decimal(flag: string, text: string): number | string {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) return `--${flag} must be a number, got "${text}"`;
  return n;
}

export function parseSimulateArgs(argv: readonly string[], env: Record<string, string | undefined> = {}): ParseResult {
  let values: Map<string, string>;
  try {
    const parsed = parseFlags(argv, { values: FLAGS.filter((f) => !BOOLEAN.has(f)), booleans: [...BOOLEAN] });
    if (parsed.help) return { ok: false, help: true };
    values = parsed.flags;
  } catch (error) {
    if (error instanceof UsageError) return { ok: false, error: error.message };
    throw error;
  }
  if (values.has('help')) return { ok: false, help: true };

  const experimentId = values.get('experiment')?.trim();
  if (!experimentId) return { ok: false, error: '--experiment ID is required (npm start prints the demo experiment\'s id)' };

  const users = integer('users', values.get('users') ?? '1000', 1, 1_000_000);
  if (typeof users === 'string') return { ok: false, error: users };

  const lift = decimal('lift', values.get('lift') ?? '0.1');
  if (typeof lift === 'string') return { ok: false, error: lift };
  if (lift <= -1) return { ok: false, error: `--lift must be greater than -1 (a relative change; 0.2 = +20%), got ${lift}` };
  if (lift > 100) return { ok: false, error: `--lift must be at most 100, got ${lift}` };

  const duration = decimal('duration', values.get('duration') ?? '30');
  if (typeof duration === 'string') return { ok: false, error: duration };
  if (duration < 0 || duration > 86_400) return { ok: false, error: `--duration must be from 0 to 86400 seconds, got ${duration}` };

  let days: number | null = null;
  let daySeconds = 6;
  if (values.has('days')) {
    if (values.has('duration')) return { ok: false, error: '--days and --duration both set how long the traffic lasts: use one of them' };
    const d = integer('days', values.get('days')!, 1, 365);
    if (typeof d === 'string') return { ok: false, error: d };
    days = d;
    const ds = decimal('day-seconds', values.get('day-seconds') ?? '6');
    if (typeof ds === 'string') return { ok: false, error: ds };
    if (ds < 1 || ds > 3600) return { ok: false, error: `--day-seconds must be from 1 to 3600, got ${ds}` };
    daySeconds = ds;
  } else if (values.has('day-seconds')) return { ok: false, error: '--day-seconds needs --days D (the time-compressed mode)' };

  const concurrency = integer('concurrency', values.get('concurrency') ?? '16', 1, 256);
  if (typeof concurrency === 'string') return { ok: false, error: concurrency };

  const settle = decimal('settle', values.get('settle') ?? '30');
  if (typeof settle === 'string') return { ok: false, error: settle };
  if (settle < 0 || settle > 3600) return { ok: false, error: `--settle must be from 0 to 3600 seconds, got ${settle}` };

  let seed: number | undefined;
  if (values.has('seed')) {
    const s = integer('seed', values.get('seed')!, 0, 0xffffffff);
    if (typeof s === 'string') return { ok: false, error: s };
    seed = s;
  }

  let graphqlUrl: string;
  const port = env.PORT?.trim() || '4000';
  const rawUrl = values.get('url') ?? `http://localhost:${port}/graphql`;
  try {
    const url = new URL(rawUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, error: `--url must be an http(s) URL, got "${rawUrl}"` };
    graphqlUrl = url.href;
  } catch {
    return { ok: false, error: `--url is not a URL: "${rawUrl}"` };
  }

  return {
    ok: true,
    args: {
      experimentId,
      users,
      lift,
      durationSeconds: days === null ? duration : days * daySeconds,
      graphqlUrl,
      concurrency,
      seed,
      json: values.has('json'),
      settleSeconds: settle,
      days,
      daySeconds,
    },
  };
}
