// Independent reference computations for the tests: written differently from the code under test
// (root finding instead of closed forms, quadrature instead of series), so that agreement means
// something.
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';

export const z975 = normalQuantile(0.975, 0, 1);

/** Root of a monotone function f on [lo, hi] by bisection (f(lo) and f(hi) of opposite sign). */
export function bisect(f: (x: number) => number, lo: number, hi: number, iterations = 200): number {
  let a = lo;
  let b = hi;
  const fa = f(a);
  for (let i = 0; i < iterations; i++) {
    const m = (a + b) / 2;
    if (m === a || m === b) break;
    if (Math.sign(f(m)) === Math.sign(fa)) a = m;
    else b = m;
  }
  return (a + b) / 2;
}

/** Wilson limits by inverting the score test numerically: the p with |p̂ − p| = z√(p(1−p)/n). */
export function wilsonByInversion(x: number, n: number, z = z975): [number, number] {
  const phat = x / n;
  const score = (p: number): number => (phat - p) / Math.sqrt((p * (1 - p)) / n) - z; // decreasing in p
  // Bracket inside (0, 1): at p = 0 or 1 the standard error is 0 and the score undefined.
  const lower = x === 0 ? 0 : bisect((p) => score(p), 1e-300, Math.min(phat, 1 - 1e-16));
  const upper = x === n ? 1 : bisect((p) => (phat - p) / Math.sqrt((p * (1 - p)) / n) + z, Math.max(phat, 1e-300), 1 - 1e-16);
  return [lower, upper];
}

/** Composite Simpson's rule on [a, b] with n (even) panels. */
export function simpson(f: (x: number) => number, a: number, b: number, n = 2000): number {
  const panels = n % 2 === 0 ? n : n + 1;
  const h = (b - a) / panels;
  let s = f(a) + f(b);
  for (let i = 1; i < panels; i++) s += (i % 2 === 1 ? 4 : 2) * f(a + i * h);
  return (s * h) / 3;
}

/** Standard normal density. */
export function phi(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

export { normalCdf, normalQuantile };

/** Raw values → the (users, sum, sumSquares) the engine takes. */
export function sums(values: readonly number[]): { users: number; sum: number; sumSquares: number } {
  return { users: values.length, sum: values.reduce((s, x) => s + x, 0), sumSquares: values.reduce((s, x) => s + x * x, 0) };
}

/** Two-pass sample mean and unbiased variance. */
export function meanAndVariance(values: readonly number[]): { mean: number; variance: number } {
  const mean = values.reduce((s, x) => s + x, 0) / values.length;
  const variance = values.reduce((s, x) => s + (x - mean) ** 2, 0) / (values.length - 1);
  return { mean, variance };
}

/** Recursively: every number is finite (null is allowed, NaN/Infinity/undefined are not). */
export function nonFiniteLeaves(value: unknown, path = '$'): string[] {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return [];
  if (typeof value === 'number') return Number.isFinite(value) ? [] : [`${path} = ${value}`];
  if (Array.isArray(value)) return value.flatMap((v, i) => nonFiniteLeaves(v, `${path}[${i}]`));
  if (typeof value === 'object') return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => nonFiniteLeaves(v, `${path}.${k}`));
  return [`${path} = ${String(value)} (${typeof value})`];
}
