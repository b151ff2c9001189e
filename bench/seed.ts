// Direct seeding: an experiment's referrers, codes, referral events, attributions and per-variant
// totals written straight into the table with BatchWriteItem, for sizes the API cannot fill in a
// test or a bench run (10^6 events in minutes instead of hours).
//
// Items have the shapes the app writes (model/keys.ts, model/assignment.ts, model/referral-code.ts,
// lambdas/events/referral-events.ts eventItem, the attribution put of recordSignup), and the totals
// are folded from the seeded counter items by the aggregator's own fold (lambdas/aggregate/fold.ts),
// so `results` and `liveCounts` report exactly the seeded counts. Run the app with `streams: false`
// (or seed before its poller starts reading): the aggregator would otherwise count the seeded
// counter items a second time. Everything the write path decides about item shapes is in this one
// file, so a change there is one edit here.
import { BatchWriteItemCommand, type DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { emptyTotals, foldChange, parseDeltaKey, TOTAL_FIELDS, type Image, type Totals } from '../lambdas/aggregate/fold.ts';
import { fnv1a32 } from '../lambdas/domain/hash.ts';
import { EVENT_TTL_DAYS } from '../lambdas/events/referral-events.ts';
import { keys } from '../model/keys.ts';
import { codeAttributes } from '../model/referral-code.ts';

type Item = Record<string, unknown>;

export interface SeedSpec {
  experimentId: string;
  /** Variant keys; referrer r is in variants[r % n]. */
  variants: string[];
  /** Number of referral events. Each referrer gets up to 10: 5 invites, 3 clicks, a signup, a conversion. */
  events: number;
  /** Index of the first event (a later seed continues an earlier one with new referrers). Default 0. */
  firstEvent?: number;
  phase?: number;
  /** recordedAt of event i is startAt + (i - firstEvent) * spanMs / events. Defaults: a day ending now. */
  startAt?: number;
  spanMs?: number;
}

export const EVENTS_PER_REFERRER = 10;
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const DAY = 86_400_000;

/** An 8-character code in the API's alphabet, unique per (experiment, referrer) for < 2^20 referrers. */
export function seedCode(experimentId: string, referrer: number): string {
  let n = (fnv1a32(experimentId) % 800_000) * 1_048_576 + referrer;
  let code = '';
  for (let i = 0; i < 8; i += 1) {
    code += ALPHABET[n % 31];
    n = Math.floor(n / 31);
  }
  return code;
}

const kindOf = (slot: number) => (slot < 5 ? 'INVITE' : slot < 8 ? 'CLICK' : slot === 8 ? 'SIGNUP' : 'CONVERSION');

/**
 * The items of `spec`, referrer by referrer, and the totals they fold to (filled as the generator
 * runs: read it after the generator is exhausted).
 */
export function seedItems(spec: SeedSpec, totals: Map<string, Totals> = new Map()): Generator<Item> {
  return generate(spec, totals);
}

function* generate(spec: SeedSpec, deltas: Map<string, Totals>): Generator<Item> {
  const { experimentId, variants, events } = spec;
  const first = spec.firstEvent ?? 0;
  const phase = spec.phase ?? 1;
  const span = spec.spanMs ?? DAY;
  const start = spec.startAt ?? Date.now() - span;
  const at = (i: number) => start + Math.floor(((i - first) * span) / Math.max(1, events));
  const iso = (t: number) => new Date(t).toISOString();
  const end = first + events;
  for (let r = Math.floor(first / EVENTS_PER_REFERRER); r * EVENTS_PER_REFERRER < end; r += 1) {
    const from = Math.max(first, r * EVENTS_PER_REFERRER);
    const to = Math.min(end, (r + 1) * EVENTS_PER_REFERRER);
    const variant = variants[r % variants.length]!;
    const userId = `seed-u${r}`;
    const refereeId = `seed-r${r}`;
    const code = seedCode(experimentId, r);
    const assignedAt = iso(at(from) - 1);
    const counters = { invites: 0, clicks: 0, signups: 0, conversions: 0, revenue: 0 };
    let attribution: Item | undefined;
    for (let i = from; i < to; i += 1) {
      const kind = kindOf(i % EVENTS_PER_REFERRER);
      const t = at(i);
      // lambdas/events/referral-events.ts eventItem: the event with its outcome, phase and TTL.
      const event: Item = {
        ...keys.event(experimentId, `seed-e${i}`),
        entity: 'Event',
        experimentId,
        kind,
        outcome: 'COUNTED',
        variant,
        reason: null,
        phase,
        occurredAt: iso(t),
        recordedAt: iso(t),
        expiresAt: Math.floor(t / 1000) + EVENT_TTL_DAYS * 86_400,
      };
      if (kind === 'INVITE' || kind === 'CLICK') {
        Object.assign(event, { code, channel: i % 2 ? 'EMAIL' : 'SMS' });
        counters[kind === 'INVITE' ? 'invites' : 'clicks'] += 1;
      } else if (kind === 'SIGNUP') {
        Object.assign(event, { code, refereeId });
        counters.signups += 1;
        attribution = { ...keys.attribution(experimentId, refereeId), entity: 'Attribution', experimentId, referrerId: userId, variant, phase, code, attributedAt: iso(t), conversions: 0 };
      } else if (attribution) {
        const value = 20 + (i % 7);
        Object.assign(event, { refereeId, value, currency: 'USD' });
        counters.conversions += 1;
        counters.revenue += value;
        attribution.conversions = 1;
      } else continue; // a conversion without its signup (a seed starting mid-referrer) is not made
      yield event;
    }
    // The referrer's assignment carries their counters (model/assignment.ts + the events path's ADDs).
    const assignment: Item = {
      ...keys.assignment(experimentId, userId),
      entity: 'Assignment',
      experimentId,
      userId,
      variant,
      bucket: fnv1a32(userId) % 10_000,
      assignedAt,
      phase,
      code,
      ...Object.fromEntries(Object.entries(counters).filter(([, v]) => v > 0)),
    };
    yield assignment;
    yield { ...keys.code(code), ...codeAttributes(code, experimentId, userId, variant, phase, assignedAt) };
    foldChange({ eventName: 'INSERT', newImage: assignment as Image }, deltas);
    if (attribution) {
      yield attribution;
      foldChange({ eventName: 'INSERT', newImage: attribution as Image }, deltas);
    }
  }
}

/** The AGG#<phase>#<variant> items for folded totals (the aggregator's totalsUpdate, as whole items). */
export function totalsItems(deltas: Map<string, Totals>, updatedAt = new Date().toISOString()): Item[] {
  return [...deltas].map(([key, delta]) => {
    const { experimentId, phase, variant } = parseDeltaKey(key);
    const fields = Object.fromEntries(TOTAL_FIELDS.filter((f) => delta[f] !== 0).map((f) => [f, delta[f]]));
    return { ...keys.aggregate(experimentId, phase, variant), entity: 'Aggregate', experimentId, variant, phase, updatedAt, ...fields };
  });
}

export interface WriteOptions {
  /** BatchWriteItem requests in flight (default 8). */
  concurrency?: number;
  onProgress?: (written: number) => void;
}

/** Writes `items` with BatchWriteItem, 25 per request, retrying unprocessed items with backoff. */
export async function batchWrite(client: DynamoDBClient, table: string, items: Iterable<Item>, options: WriteOptions = {}): Promise<number> {
  const source = items[Symbol.iterator]();
  let written = 0;
  let reported = 0;
  const next = (): WriteRequest[] => {
    const batch: WriteRequest[] = [];
    while (batch.length < 25) {
      const r = source.next();
      if (r.done) break;
      batch.push({ PutRequest: { Item: marshall(r.value, { removeUndefinedValues: true }) } });
    }
    return batch;
  };
  await Promise.all(
    Array.from({ length: options.concurrency ?? 8 }, async () => {
      for (let batch = next(); batch.length; batch = next()) {
        for (let attempt = 0; batch.length; attempt += 1) {
          if (attempt) await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));
          const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: batch } }));
          const left = out.UnprocessedItems?.[table] ?? [];
          written += batch.length - left.length;
          batch = left;
        }
        if (options.onProgress && written - reported >= 50_000) {
          reported = written;
          options.onProgress(written);
        }
      }
    }),
  );
  return written;
}

export interface Seeded {
  items: number;
  /** Totals per `${experimentId}|${phase}|${variant}` (fold.ts deltaKey). */
  totals: Map<string, Totals>;
}

/**
 * Seeds `spec` and, unless `totals: false`, puts the experiment's totals items (replacing any:
 * seed an experiment in one call, or continue a seed with `totals: false`).
 */
export async function seedExperiment(client: DynamoDBClient, table: string, spec: SeedSpec, options: WriteOptions & { totals?: boolean } = {}): Promise<Seeded> {
  const totals = new Map<string, Totals>();
  let items = await batchWrite(client, table, seedItems(spec, totals), options);
  if (options.totals !== false) items += await batchWrite(client, table, totalsItems(totals), options);
  return { items, totals };
}

/** A variant's seeded totals summed over phases. */
export function seededTotals(seeded: Seeded, variant: string): Totals {
  const sum = emptyTotals();
  for (const [key, t] of seeded.totals) {
    if (parseDeltaKey(key).variant !== variant) continue;
    for (const f of TOTAL_FIELDS) sum[f] += t[f];
  }
  return sum;
}
