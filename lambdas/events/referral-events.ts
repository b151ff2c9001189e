// Referral events with offers, rewards and fraud rules (issue 14). Each call reads what the rules
// need, asks the pure planner (domain/referrals/plan.ts) what the event does, and writes that in
// one transaction with the event item, idempotent by eventId:
//   REJECTED      the event item alone (1 WCU), with the rule's reason; counts nothing
//   UNATTRIBUTED  the event item alone (1 WCU)
//   COUNTED       event + the per-user counters it moves + one item per reward earned
// The referrer's counters item carries the state the rules and the ledger read (velocity, shared
// IP, rewards so far); a write that moves that state is conditioned on the `rev` it read, and a
// refused condition sends the call round again (re-read, re-decide), so caps, tiers and velocity
// hold under concurrency. Write units as AWS bills them are in docs/referrals.md ("Write costs").
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
  type ReferrerChange,
} from '../domain/referrals/plan.ts';
import { referrerStateOf, REFERRER_FIELDS } from '../domain/referrals/referrer-state.ts';
import type { RewardGrant } from '../domain/referrals/rewards.ts';
import type { AppSyncResolverEvent } from '../shared/appsync-event.ts';
import { requireInput } from '../shared/args.ts';
import type { HandlerContext } from '../store/context.ts';
import type { ReferralStore, Stores } from '../store/stores.ts';
import type { TransactItem } from '../store/table.ts';
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
/** Read-decide-write rounds before giving up on a referrer that keeps changing under us. */
const MAX_ROUNDS = 8;

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

function eventItem(result: RecordResult, fields: Record<string, unknown>, now: number) {
  return {
    ...keys.event(result.experimentId ?? '-', result.eventId),
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

const NEW_ITEM = { expression: 'attribute_not_exists(pk)' };

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

function referrerUpdate(experimentId: string, referrerId: string, change: ReferrerChange): TransactItem {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const part = (field: string, value: unknown, i: string) => {
    names[`#${i}`] = field;
    values[`:${i}`] = value;
    return [`#${i}`, `:${i}`] as const;
  };
  const sets = Object.entries(change.set).map(([f, v], i) => part(f, v, `s${i}`)).map(([n, v]) => `${n} = ${v}`);
  const adds = Object.entries(change.add).map(([f, v], i) => part(f, v, `a${i}`)).map(([n, v]) => `${n} ${v}`);
  const expression = [sets.length ? `SET ${sets.join(', ')}` : '', adds.length ? `ADD ${adds.join(', ')}` : ''].filter(Boolean).join(' ');
  let condition = 'attribute_exists(pk)';
  const condValues: Record<string, unknown> = {};
  const condNames: Record<string, string> = {};
  if (change.expectRev !== null) {
    condNames['#rev'] = REFERRER_FIELDS.rev;
    condValues[':rev'] = change.expectRev;
    condition += change.expectRev === 0 ? ' AND (attribute_not_exists(#rev) OR #rev = :rev)' : ' AND #rev = :rev';
  }
  return { update: keys.assignment(experimentId, referrerId), expression, names, values, condition: { expression: condition, names: condNames, values: condValues } };
}

function rewardItems(experimentId: string, variant: string, eventId: string, referrerId: string, refereeId: string, grants: RewardGrant[], now: string): TransactItem[] {
  return grants.map((g) => ({
    put: {
      ...keys.reward(g.userId, experimentId, g.rewardId),
      entity: 'Reward',
      rewardId: g.rewardId,
      experimentId,
      userId: g.userId,
      role: g.role,
      variant,
      amount: g.reward.amount ?? undefined,
      currency: g.reward.currency ?? undefined,
      name: g.reward.name ?? undefined,
      cost: g.reward.cost,
      status: 'PENDING',
      referrerId,
      refereeId,
      tierAt: g.tierAt ?? undefined,
      eventId,
      createdAt: now,
      updatedAt: now,
    },
    condition: NEW_ITEM,
  }));
}

type Written = { result: RecordResult } | { retry: true; reasons: (string | undefined)[] };

/** The event with its counter updates; a refused event condition is a replay (its stored answer). */
async function writeCounted(referrals: ReferralStore, result: RecordResult, fields: Record<string, unknown>, items: TransactItem[]): Promise<Written> {
  const outcome = await referrals.transact(() => [{ put: eventItem(result, fields, Date.now()), condition: NEW_ITEM }, ...items]);
  if (outcome.ok) return { result };
  if (outcome.reasons[0] === 'ConditionalCheckFailed') return { result: await storedResult(referrals, result.experimentId!, result.eventId) };
  return { retry: true, reasons: outcome.reasons };
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
    const written = await writeCounted(referrals, base, fields, [referrerUpdate(code.experimentId, code.referrerId, plan.referrer)]);
    if ('retry' in written) throw new Error(`recording ${kind} ${eventId} was cancelled: ${written.reasons.join(', ')}`);
    return written.result;
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
  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    const [referrerItem, referrerAttribution, refereeItem] = await Promise.all([
      referrals.counters(experimentId, code.referrerId),
      referrals.attribution(experimentId, code.referrerId),
      referrals.counters(experimentId, refereeId, false),
    ]);
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
    const attributedAt = plan.attributedAt!;
    checkRunningWindow(experiment, attributedAt);
    const written = await writeCounted(referrals, base, { ...fields, occurredAt: attributedAt }, [
      {
        put: {
          // The referee is the key; not repeated, so that the item stays under 1 KB with the longest ids.
          ...keys.attribution(experimentId, refereeId),
          entity: 'Attribution',
          experimentId,
          referrerId: code.referrerId,
          variant: code.variant,
          // The referrer's phase: the referee's conversions count in the phase the referrer was assigned in.
          phase: code.phase,
          code: code.code,
          attributedAt,
          conversions: 0,
        },
        condition: NEW_ITEM,
      },
      referrerUpdate(experimentId, code.referrerId, plan.referrer),
      ...rewardItems(experimentId, code.variant, eventId, code.referrerId, refereeId, plan.rewards, now.toISOString()),
    ]);
    if ('result' in written) return written.result;
    if (written.reasons[1] === 'ConditionalCheckFailed') {
      return recordOnly(
        referrals,
        { ...base, outcome: 'ALREADY_ATTRIBUTED', reason: 'the referee was already attributed to a referrer in this experiment; a referee counts once' },
        fields,
      );
    }
    // The referrer's state moved since we read it (or a conflict outlasted the retries): decide again.
  }
  throw new Error(`recording signup ${eventId} kept conflicting with concurrent events of the same referrer`);
}

interface AttributionItem {
  referrerId: string;
  variant: string;
  /** The referrer's phase; absent on attributions made before phases: phase 1. */
  phase?: number;
  attributedAt: string;
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

  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    const attribution = (await referrals.attribution(experimentId, refereeId)) as unknown as AttributionItem | undefined;
    if (!attribution) {
      return recordOnly(referrals, { ...base, outcome: 'UNATTRIBUTED', reason: 'the referee did not sign up through a referral in this experiment' }, fields);
    }
    const withVariant = { ...base, variant: attribution.variant };
    const phaseFields = { ...fields, phase: attribution.phase ?? 1 };
    const facts = experimentFacts(experiment, attribution.variant);
    const seen = attribution.conversions ?? 0;
    // The referrer's state only matters when this can be the referee's first conversion.
    const referrerItem = seen === 0 && facts.offer ? await referrals.counters(experimentId, attribution.referrerId) : undefined;
    const now = new Date();
    const plan = planConversion({
      experiment: facts, attribution: { ...attribution, conversions: seen }, refereeId, value, occurredAt, now, referrer: referrerStateOf(referrerItem),
    });
    if (plan.type === 'REJECTED') return recordOnly(referrals, { ...withVariant, ...refused(plan) }, phaseFields);
    if (plan.type === 'UNATTRIBUTED') return recordOnly(referrals, { ...withVariant, outcome: 'UNATTRIBUTED', reason: plan.reason }, phaseFields);
    const written = await writeCounted(referrals, withVariant, phaseFields, [
      {
        update: keys.attribution(experimentId, refereeId),
        expression: 'ADD #c :one',
        names: { '#c': 'conversions' },
        values: { ':one': 1 },
        // "First conversion" must be decided once: the count read is the count written over.
        condition: seen === 0 ? { expression: 'attribute_not_exists(#c) OR #c = :seen', names: { '#c': 'conversions' }, values: { ':seen': 0 } } : undefined,
      },
      referrerUpdate(experimentId, attribution.referrerId, plan.referrer),
      ...rewardItems(experimentId, attribution.variant, eventId, attribution.referrerId, refereeId, plan.rewards, now.toISOString()),
    ]);
    if ('result' in written) return written.result;
  }
  throw new Error(`recording conversion ${eventId} kept conflicting with concurrent events of the same referrer`);
}
