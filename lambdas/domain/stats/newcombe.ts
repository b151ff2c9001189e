// Newcombe's hybrid score interval for the difference of two independent proportions p1 − p2
// (Newcombe 1998b, "Interval estimation for the difference between independent proportions:
// comparison of eleven methods", Statistics in Medicine 17:873–890, method 10).
//
// With (l1, u1) and (l2, u2) the Wilson score limits of p1 and p2:
//   L = θ̂ − √((p̂1 − l1)² + (u2 − p̂2)²),   U = θ̂ + √((u1 − p̂1)² + (p̂2 − l2)²),   θ̂ = p̂1 − p̂2,
// which equals Newcombe's δ = z√(l1(1−l1)/n1 + u2(1−u2)/n2), ε = z√(u1(1−u1)/n1 + l2(1−l2)/n2)
// because the Wilson limits solve (p̂ − l)² = z² l(1−l)/n. Well behaved at 0/n and n/n and always
// inside [−1, 1].
import { zCritical } from './distributions.ts';
import { clamp, finiteIntervalOrNull, type Interval } from './finite.ts';
import { wilsonIntervalZ } from './wilson.ts';

/**
 * Two-sided (1 − alpha) interval for p1 − p2 = x1/n1 − x2/n2; null when either n is 0.
 * For "variant minus control" pass the variant as 1 and the control as 2.
 */
export function newcombeDifferenceInterval(x1: number, n1: number, x2: number, n2: number, alpha = 0.05): Interval | null {
  const z = zCritical(alpha);
  const w1 = wilsonIntervalZ(x1, n1, z);
  const w2 = wilsonIntervalZ(x2, n2, z);
  if (w1 === null || w2 === null) return null;
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const [l1, u1] = w1;
  const [l2, u2] = w2;
  const difference = p1 - p2;
  const lower = difference - Math.hypot(p1 - l1, u2 - p2);
  const upper = difference + Math.hypot(u1 - p1, p2 - l2);
  return finiteIntervalOrNull(clamp(lower, -1, 1), clamp(upper, -1, 1));
}
