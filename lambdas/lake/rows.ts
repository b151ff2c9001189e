// Table items -> lake rows: the one place that knows how an item of the single table becomes a row
// of the event lake. Used by the local export and by the AWS stream -> Firehose Lambda.
//
// Tolerant on purpose: items written before phases existed have no `phase` (1), older events keep
// their outcome in a `result` map, and events do not carry their referrer (the code item names it,
// or for a conversion the attribution), which the caller resolves through `lookup`.
import type { LakeRow } from './schema.ts';

export type Item = Record<string, unknown>;

export interface MappedRow {
  table: 'assignments' | 'events' | 'rewards';
  row: LakeRow;
  /** When the item last changed (ISO); the export's watermark compares this. */
  changedAt: string;
  /** For events without a stored referrer: where to look it up. */
  lookup?: { code?: string; attribution?: { experimentId: string; refereeId: string } };
}

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : null);
const phaseOf = (item: Item): number => {
  const p = num(item.phase);
  return p !== null && Number.isInteger(p) && p >= 1 ? p : 1;
};
const EPOCH = '1970-01-01T00:00:00.000Z';

/** `EXP#<experimentId>#E#<eventId>` -> its two ids (events store neither outside the key). */
export function parseEventKey(pk: string): { experimentId: string; eventId: string } | null {
  if (!pk.startsWith('EXP#')) return null;
  const at = pk.indexOf('#E#', 4);
  if (at < 0) return null;
  return { experimentId: pk.slice(4, at), eventId: pk.slice(at + 3) };
}

/** A code item names the referrer of events recorded with that code. */
export function codeReferrer(item: Item): { code: string; referrerId: string } | null {
  const pk = text(item.pk);
  if (!pk?.startsWith('CODE#')) return null;
  const referrerId = text(item.referrerId);
  return referrerId ? { code: text(item.code) ?? pk.slice('CODE#'.length), referrerId } : null;
}

/** An attribution names the referrer of a referee's conversions. */
export function attributionReferrer(item: Item): { experimentId: string; refereeId: string; referrerId: string } | null {
  if (item.entity !== 'Attribution') return null;
  const pk = text(item.pk) ?? '';
  const at = pk.indexOf('#REF#');
  const experimentId = text(item.experimentId) ?? (at > 4 ? pk.slice(4, at) : null);
  const refereeId = text(item.refereeId) ?? (at > 0 ? pk.slice(at + '#REF#'.length) : null);
  const referrerId = text(item.referrerId);
  return experimentId && refereeId && referrerId ? { experimentId, refereeId, referrerId } : null;
}

export const attributionKey = (experimentId: string, refereeId: string) => `${experimentId}\u0000${refereeId}`;

function assignmentRow(item: Item): MappedRow | null {
  const experimentId = text(item.experimentId);
  const userId = text(item.userId);
  const assignedAt = text(item.assignedAt);
  if (!experimentId || !userId || !assignedAt || !text(item.variant)) return null;
  return {
    table: 'assignments',
    row: { experiment_id: experimentId, phase: phaseOf(item), user_id: userId, variant: text(item.variant), assigned_at: assignedAt },
    // The row's columns never change after the first assignment (counters do, but are not in it).
    changedAt: assignedAt,
  };
}

function eventRow(item: Item): MappedRow | null {
  const ids = parseEventKey(text(item.pk) ?? '');
  const experimentId = text(item.experimentId) ?? ids?.experimentId ?? null;
  const eventId = text(item.eventId) ?? ids?.eventId ?? null;
  // Events written before the outcome was stored flat carry it as a `result` map.
  const stored = (item.result && typeof item.result === 'object' ? { ...(item.result as Item), ...item } : item) as Item;
  const kind = text(stored.kind);
  const outcome = text(stored.outcome) ?? (text(stored.rejectedReason) ? 'REJECTED' : null);
  if (!eventId || !kind || !outcome) return null;
  const recordedAt = text(item.recordedAt) ?? text(item.occurredAt) ?? EPOCH;
  // A signup or a first conversion stored at its referee's key (issue 16) does not repeat the referee.
  const pk = text(item.pk) ?? '';
  const refereeId = text(item.refereeId) ?? (pk.includes('#REF#') ? pk.slice(pk.indexOf('#REF#') + '#REF#'.length) : null);
  const referrerId = text(item.referrerId);
  const code = text(item.code);
  const mapped: MappedRow = {
    table: 'events',
    row: {
      event_id: eventId,
      kind,
      experiment_id: experimentId === '-' ? null : experimentId,
      phase: phaseOf(item),
      variant: text(stored.variant),
      referrer_id: referrerId,
      referee_id: refereeId,
      outcome,
      reason: text(stored.rejectedReason) ?? text(stored.reason),
      channel: text(item.channel),
      value: num(item.value),
      currency: text(item.currency),
      occurred_at: text(item.occurredAt) ?? recordedAt,
      recorded_at: recordedAt,
    },
    changedAt: recordedAt,
  };
  if (!referrerId && (code || (refereeId && experimentId))) {
    mapped.lookup = { ...(code ? { code } : {}), ...(refereeId && experimentId ? { attribution: { experimentId, refereeId } } : {}) };
  }
  return mapped;
}

function rewardRow(item: Item): MappedRow | null {
  const rewardId = text(item.rewardId) ?? text(item.id);
  const createdAt = text(item.createdAt) ?? text(item.earnedAt);
  if (!rewardId || !createdAt) return null;
  return {
    table: 'rewards',
    row: {
      reward_id: rewardId,
      experiment_id: text(item.experimentId),
      user_id: text(item.userId),
      role: text(item.role),
      amount: num(item.amount) ?? num(item.cost),
      currency: text(item.currency),
      status: text(item.status) ?? 'PENDING',
      created_at: createdAt,
    },
    // A status change (fulfil, revoke) is a new row; readers keep the latest state per reward.
    changedAt: text(item.updatedAt) ?? createdAt,
  };
}

/** The lake row of a table item, or null for items that are not in the lake (experiments, totals, codes, ...). */
export function toLakeRow(item: Item): MappedRow | null {
  switch (item.entity) {
    case 'Assignment':
      return assignmentRow(item);
    case 'Event':
      return eventRow(item);
    case 'Reward':
      return rewardRow(item);
    default:
      return null;
  }
}

/** Fills `referrer_id` from the code (invites, clicks, signups) or the attribution (conversions). */
export function resolveReferrer(mapped: MappedRow, codes: (code: string) => string | undefined, attributions: (key: string) => string | undefined): void {
  if (mapped.table !== 'events' || mapped.row.referrer_id || !mapped.lookup) return;
  const { code, attribution } = mapped.lookup;
  const viaAttribution = attribution ? attributions(attributionKey(attribution.experimentId, attribution.refereeId)) : undefined;
  const viaCode = code ? codes(code) : undefined;
  mapped.row.referrer_id = (mapped.row.kind === 'CONVERSION' ? (viaAttribution ?? viaCode) : (viaCode ?? viaAttribution)) ?? null;
}

/** The UTC date (YYYY-MM-DD) of the `dt=` partition a row lands in. */
export function partitionDate(iso: string): string {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? new Date(t).toISOString().slice(0, 10) : '1970-01-01';
}
