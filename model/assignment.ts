// The assignment item and the Assignment the API returns for it (Mutation.assign in a Lambda,
// Query.assignment in a JS resolver). APPSYNC_JS subset.
import { keys } from './keys.ts';

export interface AssignmentItem {
  pk: string;
  sk: 'ASSIGN';
  entity: 'Assignment';
  experimentId: string;
  userId: string;
  variant: string;
  bucket: number;
  assignedAt: string;
  /** The phase the user was assigned in (absent on assignments made before phases: phase 1). */
  phase?: number;
  code?: string;
}

export function assignmentItem(experimentId: string, userId: string, variant: string, bucket: number, assignedAt: string, phase: number): AssignmentItem {
  return { ...keys.assignment(experimentId, userId), sk: 'ASSIGN', entity: 'Assignment', experimentId, userId, variant, bucket, assignedAt, phase };
}

export type NotEnrolledReason = 'EXPERIMENT_NOT_FOUND' | 'NOT_RUNNING' | 'OUTSIDE_COVERAGE' | 'NOT_ASSIGNED';

export interface AssignmentView {
  experimentId: string;
  userId: string;
  enrolled: boolean;
  variant: string | null;
  config: string | null;
  bucket: number | null;
  isNew: boolean;
  reason: NotEnrolledReason | null;
  assignedAt: string | null;
}

/**
 * An enrolled assignment. The config is read from the experiment, not stored on the assignment:
 * the assignment item also carries the referrer's counters, and every KB on it would cost each
 * counted event 2 more write units.
 */
export function enrolledAssignment(
  item: AssignmentItem,
  variants: { key: string; config?: string | null }[] | null,
  isNew: boolean,
): AssignmentView {
  let config = null;
  for (const v of variants ?? []) {
    if (v.key === item.variant) config = v.config ?? null;
  }
  return {
    experimentId: item.experimentId,
    userId: item.userId,
    enrolled: true,
    variant: item.variant,
    config,
    bucket: item.bucket,
    isNew,
    reason: null,
    assignedAt: item.assignedAt,
  };
}

export function notEnrolled(experimentId: string, userId: string, reason: NotEnrolledReason, bucket: number | null = null): AssignmentView {
  return { experimentId, userId, enrolled: false, variant: null, config: null, bucket, isNew: false, reason, assignedAt: null };
}
