// Business metrics of assignment, read from each answer (see lambdas/shared/observability.ts):
// new and returning assignments, and why a user was not enrolled.
import { metric } from '../shared/observability.ts';

interface AssignmentLike {
  enrolled?: unknown;
  isNew?: unknown;
  reason?: unknown;
}

export function countAssignment(_field: string, result: unknown): void {
  const r = (result ?? {}) as AssignmentLike;
  if (r.enrolled === true) metric(r.isNew === true ? 'AssignmentsNew' : 'AssignmentsReturning');
  else if (r.enrolled === false) metric('AssignmentsNotEnrolled', 1, 'Count', { reason: typeof r.reason === 'string' ? r.reason : 'UNKNOWN' });
}
