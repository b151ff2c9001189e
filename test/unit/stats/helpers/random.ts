// Seeded randomness for the simulation tests: mulberry32 (a small, fast 32-bit PRNG with a full
// 2^32 period; Tommy Ettinger's public-domain generator) and an exact binomial sampler.

export { mulberry32 } from '../../../../cli/simulate/prng.ts';

/** Binomial(n, p) draw as a sum of n Bernoulli(p) draws: exact, and fast enough for n in the tens of thousands. */
export function binomial(random: () => number, n: number, p: number): number {
  let k = 0;
  for (let i = 0; i < n; i++) if (random() < p) k++;
  return k;
}

/** Standard normal draw (Box–Muller). */
export function normal(random: () => number): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}
