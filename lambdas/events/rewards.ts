// The reward ledger's state machine (PENDING -> FULFILLED | REVOKED), idempotent by request id,
// and referral(code): what a referee's landing page shows.
import { InvalidStateError, NotFoundError, ValidationError, type FieldProblem } from '../domain/errors.ts';
import { transition, type RewardStatus } from '../domain/referrals/rewards.ts';
import type { AppSyncResolverEvent } from '../shared/appsync-event.ts';
import { requireId, requireInput } from '../shared/args.ts';
import { REFERRER_FIELDS } from '../domain/referrals/referrer-state.ts';
import type { HandlerContext } from '../store/context.ts';
import type { TransactItem } from '../store/table.ts';
import { keys } from '../../model/keys.ts';
import { experimentFacts, EVENT_TTL_DAYS } from './referral-events.ts';
import { checkId } from './validate.ts';

type RewardItem = Record<string, unknown> & { status: RewardStatus; requestId?: string | null; cost: number; referrerId: string; experimentId: string };

function rewardInput(event: AppSyncResolverEvent) {
  const input = requireInput(event.arguments);
  const problems: FieldProblem[] = [];
  for (const f of ['experimentId', 'userId', 'rewardId', 'requestId']) checkId(input[f], `input.${f}`, problems);
  if (input.reason !== undefined && input.reason !== null && (typeof input.reason !== 'string' || input.reason.length > 500)) {
    problems.push({ field: 'input.reason', message: 'input.reason must be text of at most 500 characters' });
  }
  if (problems.length) throw new ValidationError(problems, 'Invalid reward request');
  return input as { experimentId: string; userId: string; rewardId: string; requestId: string; reason?: string | null };
}

/** The reward as the API shows it (absent optional fields as null). */
function view(item: Record<string, unknown>) {
  const out: Record<string, unknown> = {};
  for (const f of ['rewardId', 'experimentId', 'userId', 'role', 'variant', 'amount', 'currency', 'name', 'cost', 'status', 'referrerId', 'refereeId', 'tierAt', 'eventId', 'createdAt', 'updatedAt', 'requestId', 'revokeReason']) {
    out[f] = item[f] ?? null;
  }
  return out;
}

async function move(event: AppSyncResolverEvent, { stores }: HandlerContext, to: 'FULFILLED' | 'REVOKED') {
  const input = rewardInput(event);
  const key = keys.reward(input.userId, input.experimentId, input.rewardId);
  for (let round = 0; round < 5; round += 1) {
    const item = (await stores.referrals.reward(input.userId, input.experimentId, input.rewardId)) as RewardItem | undefined;
    if (!item) throw new NotFoundError('Reward', `${input.rewardId} of user ${input.userId} in experiment ${input.experimentId}`);
    const step = transition({ status: item.status, requestId: item.requestId ?? null }, to, input.requestId);
    if (!step.ok) throw new InvalidStateError(`Reward ${input.rewardId}: ${step.message}`, item.status, ['PENDING']);
    if (!step.changed) return view(item);
    const now = new Date().toISOString();
    const updated = { ...item, status: to, requestId: input.requestId, updatedAt: now, ...(to === 'REVOKED' ? { revokeReason: input.reason ?? null } : {}) };
    const items: TransactItem[] = [
      {
        update: key,
        expression: `SET #s = :to, #r = :req, #u = :now${to === 'REVOKED' ? ', #why = :why' : ''}`,
        names: { '#s': 'status', '#r': 'requestId', '#u': 'updatedAt', ...(to === 'REVOKED' ? { '#why': 'revokeReason' } : {}) },
        values: { ':to': to, ':req': input.requestId, ':now': now, ...(to === 'REVOKED' ? { ':why': input.reason ?? null } : {}) },
        condition: { expression: '#s = :pending', values: { ':pending': 'PENDING' } },
      },
    ];
    if (to === 'REVOKED') {
      // A revocation is an event of its own, and the cost leaves the referrer's ROI sums.
      items.push(
        {
          put: {
            ...keys.event(input.experimentId, `revoke:${input.userId}:${input.rewardId}`),
            entity: 'Event',
            experimentId: input.experimentId,
            kind: 'REVOKE',
            outcome: 'COUNTED',
            variant: item.variant,
            rewardId: input.rewardId,
            userId: input.userId,
            requestId: input.requestId,
            reason: input.reason ?? null,
            recordedAt: now,
            expiresAt: Math.floor(Date.now() / 1000) + EVENT_TTL_DAYS * 86_400,
          },
          condition: { expression: 'attribute_not_exists(pk)' },
        },
        {
          update: keys.assignment(input.experimentId, item.referrerId),
          expression: 'ADD #c :minus',
          names: { '#c': REFERRER_FIELDS.rewardCost },
          values: { ':minus': -item.cost },
          condition: { expression: 'attribute_exists(pk)' },
        },
      );
    }
    const outcome = await stores.referrals.transact(() => items);
    if (outcome.ok) return view(updated);
    // Someone else moved it first: read again and answer (same request) or refuse (another one).
  }
  throw new Error(`reward ${input.rewardId} kept changing under concurrent requests`);
}

export const fulfillReward = (event: AppSyncResolverEvent, context: HandlerContext) => move(event, context, 'FULFILLED');
export const revokeReward = (event: AppSyncResolverEvent, context: HandlerContext) => move(event, context, 'REVOKED');

const CODE = /^[A-Z0-9]{4,16}$/;

/** referral(code): the code's experiment, the referrer's variant and its offer, or why not. */
export async function referral(event: AppSyncResolverEvent, { stores }: HandlerContext) {
  const code = requireId(event.arguments, 'code');
  const invalid = (reason: string, rest: Record<string, unknown> = {}) => ({ code, experimentId: null, variant: null, offer: null, valid: false, reason, ...rest });
  if (!CODE.test(code)) return invalid('UNKNOWN_CODE');
  const item = await stores.referrals.code(code);
  if (!item) return invalid('UNKNOWN_CODE');
  const experiment = await stores.experiments.get(item.experimentId, { consistentRead: false });
  if (!experiment) return invalid('UNKNOWN_CODE');
  const variant = item.variant;
  const offer = experimentFacts(experiment, variant).offer;
  const found = { experimentId: experiment.id, variant, offer };
  if (experiment.endDate && Date.parse(experiment.endDate) < Date.now()) return invalid('EXPIRED', found);
  if (experiment.status !== 'RUNNING' && experiment.status !== 'PAUSED') return invalid('NOT_RUNNING', found);
  return { code, ...found, valid: true, reason: null };
}
