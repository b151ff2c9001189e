// Referral events with offers, rewards and fraud rules (issues 14 and 16). Each call reads what the
// rules need, asks the pure planner (domain/referrals/plan.ts) what the event does, and writes ONE
// item, conditionally (idempotent by eventId):
//   REJECTED / UNATTRIBUTED / ALREADY_ATTRIBUTED   the event item, with its reason; counts nothing
//   COUNTED invite, click                           the event item (`agg: 1`, the referrer named)
//   COUNTED signup                                  the event item at the referee's attribution key:
//                                                   the same put is "one attribution per referee"
//   COUNTED conversion                              the event item; a referee's first conversion is
//                                                   put at its own key (firstConversion), so "first"
//                                                   is decided once by that put
// 1 WCU each (items stay under 1 KB). What a counted event does to its referrer's counters, the
// fraud rules' state and the reward ledger is applied by the stream aggregator, per batch, in
// stream order (lambdas/aggregate/referrer-fold.ts); so the rules below that read the referrer's
// state (SAME_DEVICE, its shared-IP limit, VELOCITY) read it as of the last fold, while reward caps
// and tiers are decided at the fold, exactly. Write units as AWS bills them: docs/referrals.md
// ("Write costs").
import { NotFoundError, ValidationError, type FieldProblem } from '../domain/errors.ts';
import type { Experiment } from '../domain/experiment.ts';
import { normalizeEmailDomain } from '../domain/referrals/fraud.ts';
import { offerOf } from '../domain/referrals/offer.ts';
import {
  conversionCurrency,
  planClick,
  planConversion,
  planInvite,
  planSignup,
  type CodeFacts,
  type ExperimentFacts,
  type Plan,
} from '../domain/referrals/plan.ts';
import { referrerStateOf, REFERRER_FIELDS } from '../domain/referrals/referrer-state.ts';
import type { AppSyncResolverEvent } from '../shared/appsync-event.ts';
import { requireInput } from '../shared/args.ts';
import type { HandlerContext } from '../store/context.ts';
import type { ReferralStore, Stores } from '../store/stores.ts';
import { keys } from '../../model/keys.ts';
import { OutsideRunningWindowError, UnknownCodeError } from './errors.ts';
import { fingerprint } from './fingerprint.ts';
import { checkCode, checkEventId, checkId, checkOccurredAt, throwIfAny } from './validate.ts';

type Kind = 'INVITE' | 'CLICK' | 'SIGNUP' | 'CONVERSION';
type Outcome = 'COUNTED' | 'ALREADY_ATTRIBUTED' | 'UNATTRIBUTED' | 'REJECTED';

export interface RecordResult {
  eventId: string;
  kind: Kind;
  experimentId: string | null;
  variant: string | null;
  outcome: Outcome;
  duplicate: boolean;
  reason: string | null;
  detail: string | null;
  paused: boolean;
}

/** Raw events age out after this; the totals they fed stay. */
export const EVENT_TTL_DAYS = 180;

// ---------------------------------------------------------------------------------------------
// Reads

async function lookupCode(referrals: ReferralStore, code: string): Promise<CodeFacts & { experimentId: string; phase: number }> {
  const item = await referrals.code(code);
  if (!item) throw new UnknownCodeError(code);
  return { code: item.code, referrerId: item.referrerId, variant: item.variant, createdAt: item.createdAt ?? null, experimentId: item.experimentId,
    // The referrer's phase: their referees' events count in the phase the referrer was assigned in.
    phase: item.phase ?? 1 };
}

async function loadExperiment(stores: Stores, id: string): Promise<Experiment> {
  const experiment = await stores.experiments.get(id, { consistentRead: false });
  if (!experiment) throw new NotFoundError('Experiment', id);
  return experiment;
}

/** What the planner needs of the experiment, with the offer of the referrer's variant. */
export function experimentFacts(experiment: Experiment, variant: string | null): ExperimentFacts {
  const fraudRules = (experiment as Experiment & { fraudRules?: ExperimentFacts['fraudRules'] }).fraudRules ?? null;
  return {
    id: experiment.id,
    status: experiment.status,
    salt: experiment.salt,
    currency: experiment.currency,
    attributionWindowDays: experiment.attributionWindowDays,
    fraudRules,
    offer: offerOf(experiment, variant),
  };
}

// ---------------------------------------------------------------------------------------------
// Writes

/** The event item; `key` places it elsewhere than its eventId's key (then it carries `eventId`). */
function eventItem(result: RecordResult, fields: Record<string, unknown>, now: number, key?: { pk: string; sk: string }) {
  return {
    ...(key ? { ...key, eventId: result.eventId } : keys.event(result.experimentId ?? '-', result.eventId)),
    entity: 'Event',
    ...fields,
    // The aggregator counts REJECTED inserts per (experiment, phase, variant): `fields` carries the phase.
    experimentId: result.experimentId,
    kind: result.kind,
    outcome: result.outcome,
    variant: result.variant,
    reason: result.reason,
    detail: result.detail ?? undefined,
    paused: result.paused || undefined,
    recordedAt: new Date(now).toISOString(),
    expiresAt: Math.floor(now / 1000) + EVENT_TTL_DAYS * 86_400,
  };
}

function storedOutcome(item: Record<string, unknown> | undefined, experimentId: string, eventId: string): RecordResult | undefined {
  if (!item) return undefined;
  // Events written before the outcome was stored flat carry it as a `result` map.
  const stored = (item.result ?? item) as Partial<RecordResult>;
  if (!stored.kind || !stored.outcome) return undefined;
  return {
    eventId, kind: stored.kind, experimentId, variant: stored.variant ?? null, outcome: stored.outcome, duplicate: true,
    reason: stored.reason ?? null, detail: stored.detail ?? null, paused: stored.paused === true,
  };
}


async function storedResult(referrals: ReferralStore, experimentId: string, eventId: string): Promise<RecordResult> {
  const result = storedOutcome(await referrals.event(experimentId, eventId), experimentId, eventId);
  if (!result) throw new Error(`event ${eventId} was reported as existing but cannot be read`);
  return result;
}

/** The event on its own (outcomes that move no counter); a repeat returns the first outcome. */
async function recordOnly(referrals: ReferralStore, result: RecordResult, fields: Record<string, unknown>): Promise<RecordResult> {
  if (await referrals.putNewEvent(eventItem(result, fields, Date.now()))) return result;
  return storedResult(referrals, result.experimentId!, result.eventId);
}

/**
 * A counted event: its item alone, marked for the aggregator (`agg: 1`) and naming the referrer
 * whose counters it moves. A repeat of the eventId returns the first outcome.
 */
async function recordCounted(referrals: ReferralStore, result: RecordResult, fields: Record<string, unknown>): Promise<RecordResult> {
  return recordOnly(referrals, result, { ...fields, agg: 1 });
}

const refused = (plan: Extract<Plan, { type: 'REJECTED' }>) => ({ outcome: 'REJECTED' as const, reason: plan.verdict.reason, detail: plan.verdict.message });

// ---------------------------------------------------------------------------------------------
// Handlers

const optionalString = (v: unknown, field: string, problems: FieldProblem[], max = 256): string | null => {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string' || v.length > max) problems.push({ field, message: `${field} must be text of at most ${max} characters` });
  return typeof v === 'string' ? v : null;
};

function funnelEvent(kind: 'INVITE' | 'CLICK') {
  return async (event: AppSyncResolverEvent, { stores }: HandlerContext): Promise<RecordResult> => {
    const { referrals } = stores;
    const input = requireInput(event.arguments);
    const problems: FieldProblem[] = [];
    checkEventId(input.eventId, problems);
    checkCode(input.code, problems);
    checkOccurredAt(input.occurredAt, problems);
    const deviceId = optionalString(input.deviceId, 'input.deviceId', problems);
    const ip = optionalString(input.ip, 'input.ip', problems, 64);
    throwIfAny(problems);
    const eventId = input.eventId as string;
    const code = await lookupCode(referrals, input.code as string);
    const experiment = await loadExperiment(stores, code.experimentId);
    const paused = experiment.status === 'PAUSED';
    const base: RecordResult = { eventId, kind, experimentId: code.experimentId, variant: code.variant, outcome: 'COUNTED', duplicate: false, reason: null, detail: null, paused };
    const fields = { code: code.code, channel: input.channel, occurredAt: input.occurredAt ?? null, phase: code.phase };
    if (experiment.status !== 'RUNNING' && !paused) {
      return recordOnly(referrals, { ...base, outcome: 'UNATTRIBUTED', reason: `experiment is ${experiment.status}, not RUNNING` }, fields);
    }
    const facts = experimentFacts(experiment, code.variant);
    const occurredAt = (input.occurredAt as string | undefined) ?? null;
    const now = new Date();
    const plan =
      kind === 'INVITE'
        ? planInvite({ experiment: facts, code, occurredAt, now, deviceHash: fingerprint(experiment.salt, deviceId), ipHash: fingerprint(experiment.salt, ip) })
        : planClick({
            experiment: facts, code, occurredAt, now, deviceHash: fingerprint(experiment.salt, deviceId),
            // Only a click that names its device needs the referrer's.
            referrer: referrerStateOf(deviceId ? await referrals.counters(code.experimentId, code.referrerId, false) : undefined),
          });
    if (plan.type === 'REJECTED') return recordOnly(referrals, { ...base, ...refused(plan) }, fields);
    if (plan.type !== 'COUNTED') throw new Error(`unexpected plan ${plan.type} for ${kind}`);
    const hashes = kind === 'INVITE' ? { deviceHash: plan.referrer.set[REFERRER_FIELDS.deviceHash], ipHash: plan.referrer.set[REFERRER_FIELDS.ipHash] } : {};
    return recordCounted(referrals, base, { ...fields, referrerId: code.referrerId, ...hashes });
  };
}

export const recordInvite = funnelEvent('INVITE');
export const recordClick = funnelEvent('CLICK');

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
  const { referrals } = stores;
  const input = requireInput(event.arguments);
  const problems: FieldProblem[] = [];
  checkEventId(input.eventId, problems);
  checkCode(input.code, problems);
  checkId(input.refereeId, 'input.refereeId', problems);
  checkOccurredAt(input.occurredAt, problems);
  const deviceId = optionalString(input.deviceId, 'input.deviceId', problems);
  const ip = optionalString(input.ip, 'input.ip', problems, 64);
  let emailDomain: string | null = null;
  if (input.emailDomain !== undefined && input.emailDomain !== null) {
    emailDomain = typeof input.emailDomain === 'string' ? normalizeEmailDomain(input.emailDomain) : null;
    if (!emailDomain) problems.push({ field: 'input.emailDomain', message: 'input.emailDomain must be a domain such as example.com (or an e-mail address)' });
  }
  if (input.accountCreatedAt !== undefined && input.accountCreatedAt !== null && (typeof input.accountCreatedAt !== 'string' || Number.isNaN(Date.parse(input.accountCreatedAt)))) {
    problems.push({ field: 'input.accountCreatedAt', message: 'input.accountCreatedAt must be an ISO 8601 date-time' });
  }
  throwIfAny(problems);
  const eventId = input.eventId as string;
  const refereeId = input.refereeId as string;
  const code = await lookupCode(referrals, input.code as string);
  const experimentId = code.experimentId;
  const experiment = await loadExperiment(stores, experimentId);
  // A replay returns the stored outcome even once the experiment has stopped.
  const existing = storedOutcome(await referrals.event(experimentId, eventId), experimentId, eventId);
  if (existing) return existing;
  const paused = experiment.status === 'PAUSED';
  if (experiment.status !== 'RUNNING' && !paused) throw new OutsideRunningWindowError(experiment.id, experiment.status);

  const facts = experimentFacts(experiment, code.variant);
  const base: RecordResult = { eventId, kind: 'SIGNUP', experimentId, variant: code.variant, outcome: 'COUNTED', duplicate: false, reason: null, detail: null, paused };
  const occurredAt = (input.occurredAt as string | undefined) ?? null;
  const fields = { code: code.code, refereeId, occurredAt, phase: code.phase };
  const [referrerItem, referrerAttribution, refereeItem, attribution] = await Promise.all([
    // As of the last fold (the aggregator writes it): the device, shared-IP and velocity rules.
    referrals.counters(experimentId, code.referrerId),
    referrals.attribution(experimentId, code.referrerId),
    referrals.counters(experimentId, refereeId, false),
    referrals.attribution(experimentId, refereeId),
  ]);
  const already = async (stored: Record<string, unknown> | undefined): Promise<RecordResult> => {
    const same = stored?.eventId === eventId ? storedOutcome(stored, experimentId, eventId) : undefined;
    if (same) return same;
    return recordOnly(referrals, { ...base, outcome: 'ALREADY_ATTRIBUTED', reason: 'the referee was already attributed to a referrer in this experiment; a referee counts once' }, fields);
  };
  const now = new Date();
  const plan = planSignup({
    experiment: facts,
    code,
    input: { refereeId, occurredAt, deviceHash: fingerprint(experiment.salt, deviceId), ipHash: fingerprint(experiment.salt, ip), emailDomain, accountCreatedAt: (input.accountCreatedAt as string | undefined) ?? null },
    now,
    referrer: referrerStateOf(referrerItem),
    referrerReferredBy: typeof referrerAttribution?.referrerId === 'string' ? referrerAttribution.referrerId : null,
    refereeHasCode: typeof refereeItem?.code === 'string',
  });
  if (plan.type === 'REJECTED') return recordOnly(referrals, { ...base, ...refused(plan) }, fields);
  if (plan.type !== 'COUNTED') throw new Error(`unexpected plan ${plan.type} for a signup`);
  if (attribution) return already(attribution);
  const attributedAt = plan.attributedAt!;
  checkRunningWindow(experiment, attributedAt);
  // The attribution is the counted signup's event item: one conditional put (1 WCU) is both.
  // The referee is the key and `occurredAt` the attribution time: neither is repeated, so that the
  // item stays under 1 KB (1 WCU) with the longest ids.
  const item = eventItem(base, {
    ...fields,
    refereeId: undefined,
    occurredAt: attributedAt,
    referrerId: code.referrerId,
    // The referrer's phase: the referee's conversions count in the phase the referrer was assigned in.
    phase: code.phase,
    sharesIp: plan.referrer.add[REFERRER_FIELDS.refereesFromIp] === 1 || undefined,
    agg: 1,
  }, now.getTime(), keys.attribution(experimentId, refereeId));
  // Attributions do not expire: conversions are credited for the whole attribution window.
  delete (item as { expiresAt?: number }).expiresAt;
  if (await referrals.putNewEvent(item)) return base;
  // Someone attributed the referee first (or this eventId did, concurrently).
  return already(await referrals.attribution(experimentId, refereeId));
}

interface AttributionItem {
  referrerId: string;
  variant: string;
  /** The referrer's phase; absent on attributions made before phases: phase 1. */
  phase?: number;
  attributedAt: string;
  occurredAt?: string;
  conversions?: number;
}

export async function recordConversion(event: AppSyncResolverEvent, { stores }: HandlerContext): Promise<RecordResult> {
  const { referrals } = stores;
  const input = requireInput(event.arguments);
  const problems: FieldProblem[] = [];
  checkEventId(input.eventId, problems);
  checkId(input.experimentId, 'input.experimentId', problems);
  checkId(input.refereeId, 'input.refereeId', problems);
  if (typeof input.value !== 'number' || !Number.isFinite(input.value) || input.value < 0 || input.value > 1e9) {
    problems.push({ field: 'input.value', message: 'input.value must be a number from 0 to 1,000,000,000' });
  }
  if (input.currency !== undefined && input.currency !== null && (typeof input.currency !== 'string' || !/^[A-Z]{3}$/.test(input.currency))) {
    problems.push({ field: 'input.currency', message: 'input.currency must be an ISO 4217 code such as USD or EUR, or left out for the experiment\'s' });
  }
  checkOccurredAt(input.occurredAt, problems);
  throwIfAny(problems);
  const eventId = input.eventId as string;
  const experimentId = input.experimentId as string;
  const refereeId = input.refereeId as string;
  const value = input.value as number;
  const experiment = await loadExperiment(stores, experimentId);
  const currency = conversionCurrency(input.currency, experiment.currency);
  // Revenue is one sum per variant: values in another currency would be added as if they were equal.
  if ('problem' in currency) throw new ValidationError([{ field: 'input.currency', message: currency.problem }], 'Invalid event');
  const occurredAt = (input.occurredAt as string | undefined) ?? null;
  const paused = experiment.status === 'PAUSED';
  const fields = { refereeId, value, currency: currency.currency, occurredAt: occurredAt ?? new Date().toISOString() };
  const base: RecordResult = { eventId, kind: 'CONVERSION', experimentId, variant: null, outcome: 'COUNTED', duplicate: false, reason: null, detail: null, paused };

  // A replay answers the first outcome; a first conversion is stored at its referee's key.
  const existing = storedOutcome(await referrals.event(experimentId, eventId), experimentId, eventId);
  if (existing) return existing;
  const firstKey = keys.firstConversion(experimentId, refereeId);
  const firstConversion = await referrals.event(experimentId, eventId, firstKey);
  if (firstConversion?.eventId === eventId) return storedOutcome(firstConversion, experimentId, eventId)!;
  const attribution = (await referrals.attribution(experimentId, refereeId)) as unknown as AttributionItem | undefined;
  if (!attribution) {
    return recordOnly(referrals, { ...base, outcome: 'UNATTRIBUTED', reason: 'the referee did not sign up through a referral in this experiment' }, fields);
  }
  // Signups since issue 16 store the attribution time as the event's occurredAt.
  attribution.attributedAt ??= attribution.occurredAt!;
  const withVariant = { ...base, variant: attribution.variant };
  const phaseFields = { ...fields, phase: attribution.phase ?? 1 };
  const plan = planConversion({
    experiment: experimentFacts(experiment, attribution.variant),
    // Rewards are decided by the aggregator: the planner only judges time and window here.
    attribution: { ...attribution, conversions: 1 }, refereeId, value, occurredAt, now: new Date(), referrer: referrerStateOf(undefined),
  });
  if (plan.type === 'REJECTED') return recordOnly(referrals, { ...withVariant, ...refused(plan) }, phaseFields);
  if (plan.type === 'UNATTRIBUTED') return recordOnly(referrals, { ...withVariant, outcome: 'UNATTRIBUTED', reason: plan.reason }, phaseFields);
  const counted = { ...phaseFields, referrerId: attribution.referrerId, agg: 1 };
  // Attributions made before issue 16 count their conversions on the attribution item.
  if (!firstConversion && !(attribution.conversions && attribution.conversions > 0)) {
    // The referee is the key: not repeated (1 KB with the longest ids).
    if (await referrals.putNewEvent(eventItem(withVariant, { ...counted, refereeId: undefined, first: true }, Date.now(), firstKey))) return withVariant;
    const winner = await referrals.event(experimentId, eventId, firstKey);
    if (winner?.eventId === eventId) return storedOutcome(winner, experimentId, eventId)!;
  }
  return recordOnly(referrals, withVariant, counted);
}
