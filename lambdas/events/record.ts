// Referral events. Each is idempotent by eventId: the event item is written with
// attribute_not_exists in the same transaction as the counters it moves, so a retry either finds
// the stored outcome (and returns it) or nothing was written at all.
//
// Write cost, as AWS bills it: a transaction costs 2 WCU per item per KB, a plain write 1 WCU per KB.
// Event, attribution, code and assignment items (the referrer's counters; the variant config is
// not copied onto it) stay under 1 KB for any valid input (longest ids and variant keys).
//   recordInvite / recordClick (counted):  2 items (event + referrer's counters)              = 4 WCU
//   recordSignup (counted):                3 items (event + attribution + referrer's counters) = 6 WCU
//   recordSignup (already attributed):     the transaction is refused, then a put of the event = 1 WCU
//   recordConversion (counted):            3 items (event + attribution + referrer's counters) = 6 WCU
//   recordConversion (unattributed), recordInvite/Click (experiment not running): put of the event = 1 WCU
//   any replay (same eventId):             the transaction or put is refused                   = 0 WCU reported
// Refused writes (a failed condition, a cancelled transaction) report no capacity; AWS still bills a
// failed conditional write, so budget the refused attempt of a replay or a double attribution too.
// Reads per call: 1 RCU for invite/click (code + experiment, eventually consistent), 2 for a signup
// (+ the event, consistent), 1.5 for a conversion (experiment + attribution), +1 for a replay.
// test/integration/referral-capacity.test.ts measures every figure with ReturnConsumedCapacity
// against DynamoDB Local. DynamoDB Local itself reports any TransactWriteItems of small items as a
// flat 4 WCU whatever the item count, so the test prices each transaction item by writing it alone.
import { NotFoundError, ValidationError, type FieldProblem } from '../domain/errors.ts';
import type { Experiment } from '../domain/experiment.ts';
import type { AppSyncResolverEvent } from '../shared/appsync-event.ts';
import { requireInput } from '../shared/args.ts';
import type { HandlerContext } from '../store/context.ts';
import type { ReferralStore, Stores } from '../store/stores.ts';
import type { TransactItem } from '../store/table.ts';
import { keys } from '../../model/keys.ts';
import type { CodeItem } from '../../model/referral-code.ts';
import { OutsideRunningWindowError, SelfReferralError, UnknownCodeError } from './errors.ts';
import { checkCode, checkEventId, checkId, checkMoney, checkOccurredAt, throwIfAny } from './validate.ts';

type Kind = 'INVITE' | 'CLICK' | 'SIGNUP' | 'CONVERSION';
type Outcome = 'COUNTED' | 'ALREADY_ATTRIBUTED' | 'UNATTRIBUTED';

export interface RecordResult {
  eventId: string;
  kind: Kind;
  experimentId: string | null;
  variant: string | null;
  outcome: Outcome;
  duplicate: boolean;
  reason: string | null;
}

/** Raw events age out after this; the totals they fed stay. */
export const EVENT_TTL_DAYS = 180;
const DAY_MS = 86_400_000;

async function lookupCode(referrals: ReferralStore, code: string): Promise<CodeItem> {
  const item = await referrals.code(code);
  if (!item) throw new UnknownCodeError(code);
  return item;
}

async function loadExperiment(stores: Stores, id: string): Promise<Experiment> {
  const experiment = await stores.experiments.get(id, { consistentRead: false });
  if (!experiment) throw new NotFoundError('Experiment', id);
  return experiment;
}

// The event item holds the outcome flat, without what its key already says (experiment, eventId) and
// without the referrer (the code item, or for conversions the attribution, names it): with the longest
// ids the API accepts it stays under 1 KB, so a write of it costs 1 WCU (2 in a transaction).
function eventItem(result: RecordResult, fields: Record<string, unknown>, now: number) {
  return {
    ...keys.event(result.experimentId ?? '-', result.eventId),
    entity: 'Event',
    ...fields,
    kind: result.kind,
    outcome: result.outcome,
    variant: result.variant,
    reason: result.reason,
    recordedAt: new Date(now).toISOString(),
    expiresAt: Math.floor(now / 1000) + EVENT_TTL_DAYS * 86_400,
  };
}

/** The outcome stored in an event item, as a replay returns it. */
function storedOutcome(item: Record<string, unknown> | undefined, experimentId: string, eventId: string): RecordResult | undefined {
  if (!item) return undefined;
  // Events written before the outcome was stored flat carry it as a `result` map.
  const stored = (item.result ?? item) as Partial<RecordResult>;
  if (!stored.kind || !stored.outcome) return undefined;
  return { eventId, kind: stored.kind, experimentId, variant: stored.variant ?? null, outcome: stored.outcome, duplicate: true, reason: stored.reason ?? null };
}

const NEW_EVENT = { expression: 'attribute_not_exists(pk)' };

async function storedResult(referrals: ReferralStore, experimentId: string, eventId: string): Promise<RecordResult> {
  const result = storedOutcome(await referrals.event(experimentId, eventId), experimentId, eventId);
  if (!result) throw new Error(`event ${eventId} was reported as existing but cannot be read`);
  return result;
}

/** Writes the event on its own (outcomes that move no counter); a repeat returns the first outcome. */
async function recordOnly(referrals: ReferralStore, result: RecordResult, fields: Record<string, unknown>): Promise<RecordResult> {
  if (await referrals.putNewEvent(eventItem(result, fields, Date.now()))) return result;
  return storedResult(referrals, result.experimentId!, result.eventId);
}

/** Writes the event with the counter updates; a cancelled transaction is a repeat or a lost race. */
async function recordCounted(referrals: ReferralStore, result: RecordResult, fields: Record<string, unknown>, updates: TransactItem[]) {
  const outcome = await referrals.transact(() => [{ put: eventItem(result, fields, Date.now()), condition: NEW_EVENT }, ...updates]);
  if (outcome.ok) return { result, reasons: [] as (string | undefined)[] };
  if (outcome.reasons[0] === 'ConditionalCheckFailed') return { result: await storedResult(referrals, result.experimentId!, result.eventId), reasons: [] };
  return { result: null, reasons: outcome.reasons };
}

function referrerCounters(experimentId: string, referrerId: string, add: Record<string, number>): TransactItem {
  const names: Record<string, string> = {};
  const values: Record<string, number> = {};
  const parts = Object.entries(add).map(([field, amount], i) => {
    names[`#f${i}`] = field;
    values[`:v${i}`] = amount;
    return `#f${i} :v${i}`;
  });
  return {
    update: keys.assignment(experimentId, referrerId),
    expression: `ADD ${parts.join(', ')}`,
    names,
    values,
    condition: { expression: 'attribute_exists(pk)' },
  };
}

function funnelEvent(kind: 'INVITE' | 'CLICK', counter: 'invites' | 'clicks') {
  return async (event: AppSyncResolverEvent, { stores }: HandlerContext): Promise<RecordResult> => {
    const input = requireInput(event.arguments);
    const problems: FieldProblem[] = [];
    checkEventId(input.eventId, problems);
    checkCode(input.code, problems);
    checkOccurredAt(input.occurredAt, problems);
    throwIfAny(problems);
    const eventId = input.eventId as string;
    const code = await lookupCode(stores.referrals, input.code as string);
    const experiment = await loadExperiment(stores, code.experimentId);
    const base: RecordResult = { eventId, kind, experimentId: code.experimentId, variant: code.variant, outcome: 'COUNTED', duplicate: false, reason: null };
    const fields = { code: code.code, channel: input.channel, occurredAt: input.occurredAt ?? null };
    if (experiment.status !== 'RUNNING') {
      return recordOnly(stores.referrals, { ...base, outcome: 'UNATTRIBUTED', reason: `experiment is ${experiment.status}, not RUNNING` }, fields);
    }
    const written = await recordCounted(stores.referrals, base, fields, [referrerCounters(code.experimentId, code.referrerId, { [counter]: 1 })]);
    if (!written.result) throw new Error(`recording ${kind} ${eventId} was cancelled: ${written.reasons.join(', ')}`);
    return written.result;
  };
}

export const recordInvite = funnelEvent('INVITE', 'invites');
export const recordClick = funnelEvent('CLICK', 'clicks');

/** A signup dated before the experiment started or after its end date was not made in it. */
function checkRunningWindow(experiment: Experiment, occurredAt: string): void {
  const at = Date.parse(occurredAt);
  if (experiment.startedAt && at < Date.parse(experiment.startedAt)) {
    throw new OutsideRunningWindowError(experiment.id, experiment.status, `started at ${experiment.startedAt}, after the signup (${occurredAt})`);
  }
  if (experiment.endDate && at > Date.parse(experiment.endDate)) {
    throw new OutsideRunningWindowError(experiment.id, experiment.status, `ended at ${experiment.endDate}, before the signup (${occurredAt})`);
  }
}

export async function recordSignup(event: AppSyncResolverEvent, { stores }: HandlerContext): Promise<RecordResult> {
  const input = requireInput(event.arguments);
  const problems: FieldProblem[] = [];
  checkEventId(input.eventId, problems);
  checkCode(input.code, problems);
  checkId(input.refereeId, 'input.refereeId', problems);
  checkOccurredAt(input.occurredAt, problems);
  throwIfAny(problems);
  const eventId = input.eventId as string;
  const refereeId = input.refereeId as string;
  const code = await lookupCode(stores.referrals, input.code as string);
  if (refereeId === code.referrerId) throw new SelfReferralError(refereeId);
  const experiment = await loadExperiment(stores, code.experimentId);
  const base: RecordResult = { eventId, kind: 'SIGNUP', experimentId: code.experimentId, variant: code.variant, outcome: 'COUNTED', duplicate: false, reason: null };
  // A replay returns the stored outcome even once the experiment has stopped.
  const existing = storedOutcome(await stores.referrals.event(code.experimentId, eventId), code.experimentId, eventId);
  if (existing) return existing;
  if (experiment.status !== 'RUNNING') throw new OutsideRunningWindowError(experiment.id, experiment.status);

  const attributedAt = (input.occurredAt as string | undefined) ?? new Date().toISOString();
  checkRunningWindow(experiment, attributedAt);
  const fields = { code: code.code, refereeId, occurredAt: attributedAt };
  const written = await recordCounted(stores.referrals, base, fields, [
    {
      put: {
        // The referee is the key; not repeated, so that the item stays under 1 KB with the longest ids.
        ...keys.attribution(code.experimentId, refereeId),
        entity: 'Attribution',
        experimentId: code.experimentId,
        referrerId: code.referrerId,
        variant: code.variant,
        code: code.code,
        attributedAt,
        conversions: 0,
      },
      condition: { expression: 'attribute_not_exists(pk)' },
    },
    referrerCounters(code.experimentId, code.referrerId, { signups: 1 }),
  ]);
  if (written.result) return written.result;
  if (written.reasons[1] === 'ConditionalCheckFailed') {
    return recordOnly(stores.referrals, { ...base, outcome: 'ALREADY_ATTRIBUTED', reason: 'the referee was already attributed to a referrer in this experiment; a referee counts once' }, fields);
  }
  throw new Error(`recording signup ${eventId} was cancelled: ${written.reasons.join(', ')}`);
}

interface AttributionItem {
  referrerId: string;
  variant: string;
  attributedAt: string;
}

export async function recordConversion(event: AppSyncResolverEvent, { stores }: HandlerContext): Promise<RecordResult> {
  const input = requireInput(event.arguments);
  const problems: FieldProblem[] = [];
  checkEventId(input.eventId, problems);
  checkId(input.experimentId, 'input.experimentId', problems);
  checkId(input.refereeId, 'input.refereeId', problems);
  checkMoney(input.value, input.currency, problems);
  checkOccurredAt(input.occurredAt, problems);
  throwIfAny(problems);
  const eventId = input.eventId as string;
  const experimentId = input.experimentId as string;
  const refereeId = input.refereeId as string;
  const value = input.value as number;
  const experiment = await loadExperiment(stores, experimentId);
  if (input.currency !== experiment.currency) {
    // Revenue is one sum per variant: values in another currency would be added as if they were equal.
    throw new ValidationError(
      [{ field: 'input.currency', message: `input.currency must be the experiment's currency, ${experiment.currency} (got ${String(input.currency)}): convert the value first` }],
      'Invalid event',
    );
  }
  const occurredAt = (input.occurredAt as string | undefined) ?? new Date().toISOString();
  const fields = { refereeId, value, currency: input.currency, occurredAt };
  const base: RecordResult = { eventId, kind: 'CONVERSION', experimentId, variant: null, outcome: 'COUNTED', duplicate: false, reason: null };

  const attribution = (await stores.referrals.attribution(experimentId, refereeId)) as unknown as AttributionItem | undefined;
  if (!attribution) {
    return recordOnly(stores.referrals, { ...base, outcome: 'UNATTRIBUTED', reason: 'the referee did not sign up through a referral in this experiment' }, fields);
  }
  const withVariant = { ...base, variant: attribution.variant };
  const windowStart = Date.parse(attribution.attributedAt);
  const windowEnd = windowStart + experiment.attributionWindowDays * DAY_MS;
  if (Date.parse(occurredAt) < windowStart) {
    return recordOnly(stores.referrals, 
      { ...withVariant, outcome: 'UNATTRIBUTED', reason: `conversion is before the referee's signup (${attribution.attributedAt}), so the referral did not cause it` },
      fields,
    );
  }
  if (Date.parse(occurredAt) > windowEnd) {
    return recordOnly(stores.referrals, 
      { ...withVariant, outcome: 'UNATTRIBUTED', reason: `conversion is after the ${experiment.attributionWindowDays}-day attribution window (ended ${new Date(windowEnd).toISOString()})` },
      fields,
    );
  }
  const written = await recordCounted(stores.referrals, withVariant, fields, [
    { update: keys.attribution(experimentId, refereeId), expression: 'ADD #c :one', names: { '#c': 'conversions' }, values: { ':one': 1 } },
    referrerCounters(experimentId, attribution.referrerId, { conversions: 1, revenue: value }),
  ]);
  if (!written.result) throw new Error(`recording conversion ${eventId} was cancelled: ${written.reasons.join(', ')}`);
  return written.result;
}
