// A small seeded pseudo-random generator (mulberry32) and the few distributions the simulation
// needs. Pure and deterministic: the same seed gives the same sequence on every machine.

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  /** True with probability p (clamped to [0, 1]). */
  bernoulli(p: number): boolean;
  /** Poisson(lambda) by Knuth's method (fine for the small means of a funnel). */
  poisson(lambda: number): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
  /** exp(mu + sigma * Z): a skewed, positive amount such as an order value. */
  logNormal(mu: number, sigma: number): number;
  pick<T>(items: readonly T[]): T;
}

/** FNV-1a 32-bit of a string: turns any seed text into a 32-bit state. */
export function hashSeed(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Seed of an independent stream, e.g. one per simulated user, so results do not depend on scheduling. */
export function deriveSeed(seed: number, stream: number | string): number {
  return hashSeed(`${seed >>> 0}:${stream}`);
}

/** mulberry32: uniform numbers in [0, 1), the same sequence for the same seed. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function createRng(seed: number): Rng {
  const next = mulberry32(seed);
  const normal = (): number => {
    let u = 0;
    while (u === 0) u = next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    bernoulli: (p) => next() < Math.min(1, Math.max(0, p)),
    poisson(lambda) {
      if (!(lambda > 0)) return 0;
      const limit = Math.exp(-lambda);
      let k = 0;
      let product = next();
      while (product > limit) {
        k += 1;
        product *= next();
      }
      return k;
    },
    normal,
    logNormal: (mu, sigma) => Math.exp(mu + sigma * normal()),
    pick: (items) => {
      if (items.length === 0) throw new RangeError('pick: no items');
      return items[Math.floor(next() * items.length)]!;
    },
  };
}
