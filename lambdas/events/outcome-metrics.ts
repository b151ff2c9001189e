// Business metrics of the referral events, read from each recorded outcome (see
// lambdas/shared/observability.ts): counted, duplicate (a replayed eventId), rejected by reason, and
// the other outcomes that move no counter.
import { metric } from '../shared/observability.ts';

interface OutcomeLike {
  outcome?: unknown;
  duplicate?: unknown;
  reason?: unknown;
}

export function countOutcome(_field: string, result: unknown): void {
  const r = (result ?? {}) as OutcomeLike;
  if (typeof r.outcome !== 'string') return;
  if (r.duplicate === true) metric('EventsDuplicate');
  else if (r.outcome === 'COUNTED') metric('EventsCounted');
  else if (r.outcome === 'REJECTED') metric('EventsRejected', 1, 'Count', { reason: typeof r.reason === 'string' ? r.reason : 'UNKNOWN' });
  else metric('EventsNotCounted', 1, 'Count', { outcome: r.outcome });
}
