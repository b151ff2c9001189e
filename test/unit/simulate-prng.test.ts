import { describe, expect, it } from 'vitest';
import { createRng, deriveSeed, hashSeed } from '../../cli/simulate/prng.ts';

describe('the seeded generator', () => {
  it('repeats its sequence for a seed and differs between seeds', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const seqA = Array.from({ length: 20 }, () => a.next());
    expect(Array.from({ length: 20 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 20 }, () => c.next())).not.toEqual(seqA);
  });

  it('is pinned to mulberry32 (the first outputs of seed 1 never change between versions)', () => {
    const r = createRng(1);
    // mulberry32(1) starts 0.6270739405881613, 0.002735721180215478, 0.5274470399599522 (the reference implementation).
    const first = [r.next(), r.next(), r.next()].map((x) => Math.round(x * 4294967296));
    expect(first).toEqual([2693262067, 11749833, 2265367787]);
  });

  it('draws uniforms in [0, 1) with the right mean and spread', () => {
    const r = createRng(7);
    const xs = Array.from({ length: 50_000 }, () => r.next());
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
    expect(mean).toBeCloseTo(0.5, 2);
    expect(variance).toBeCloseTo(1 / 12, 2);
  });

  it('draws Poisson counts with mean and variance lambda', () => {
    const r = createRng(11);
    for (const lambda of [0.5, 2, 6]) {
      const xs = Array.from({ length: 40_000 }, () => r.poisson(lambda));
      const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
      const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
      expect(Math.abs(mean - lambda)).toBeLessThan(0.05 * lambda + 0.02);
      expect(Math.abs(variance - lambda)).toBeLessThan(0.08 * lambda + 0.03);
      expect(xs.every((x) => Number.isInteger(x) && x >= 0)).toBe(true);
    }
    expect(r.poisson(0)).toBe(0);
    expect(r.poisson(-1)).toBe(0);
  });

  it('draws Bernoulli trials with probability p, clamping p to [0, 1]', () => {
    const r = createRng(3);
    const hits = Array.from({ length: 40_000 }, () => r.bernoulli(0.3)).filter(Boolean).length;
    expect(hits / 40_000).toBeCloseTo(0.3, 2);
    expect(Array.from({ length: 100 }, () => r.bernoulli(1.5)).every(Boolean)).toBe(true);
    expect(Array.from({ length: 100 }, () => r.bernoulli(-0.5)).some(Boolean)).toBe(false);
  });

  it('draws standard normals and log-normals with the given median', () => {
    const r = createRng(5);
    const zs = Array.from({ length: 40_000 }, () => r.normal());
    const mean = zs.reduce((s, x) => s + x, 0) / zs.length;
    const sd = Math.sqrt(zs.reduce((s, x) => s + (x - mean) ** 2, 0) / zs.length);
    expect(mean).toBeCloseTo(0, 1);
    expect(sd).toBeCloseTo(1, 1);
    const values = Array.from({ length: 20_001 }, () => r.logNormal(Math.log(25), 0.5)).sort((a, b) => a - b);
    expect(values[10_000]!).toBeGreaterThan(24);
    expect(values[10_000]!).toBeLessThan(26);
    expect(values[0]!).toBeGreaterThan(0);
  });

  it('derives independent, stable per-stream seeds', () => {
    expect(deriveSeed(42, 0)).toBe(deriveSeed(42, 0));
    expect(new Set(Array.from({ length: 1000 }, (_, i) => deriveSeed(42, i))).size).toBe(1000);
    expect(hashSeed('')).toBe(0x811c9dc5);
    expect(hashSeed('a')).toBe(0xe40c292c); // FNV-1a reference value
  });

  it('picks from a list and refuses an empty one', () => {
    const r = createRng(9);
    const seen = new Set(Array.from({ length: 200 }, () => r.pick(['a', 'b', 'c'])));
    expect([...seen].sort()).toEqual(['a', 'b', 'c']);
    expect(() => r.pick([])).toThrow(RangeError);
    expect(Array.from({ length: 200 }, () => r.int(4)).every((x) => x >= 0 && x < 4 && Number.isInteger(x))).toBe(true);
  });
});
