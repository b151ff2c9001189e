import { describe, expect, it } from 'vitest';
import { BUCKET_COUNT, assignmentSeed, bucketOf, fnv1a32, hashBucket } from '../../../lambdas/domain/hash.ts';

describe('hash', () => {
  it('fnv1a32 returns an unsigned 32-bit integer', () => {
    for (const s of ['', 'a', 'user-1', 'x'.repeat(1000), '🎉']) {
      const h = fnv1a32(s);
      expect(Number.isInteger(h)).toBe(true);
      expect(h).toBeGreaterThanOrEqual(0);
      expect(h).toBeLessThan(2 ** 32);
    }
  });

  it('hashBucket is deterministic, in [0, 1), on a 1/10000 grid', () => {
    for (let i = 0; i < 2000; i++) {
      const b = hashBucket('seed:', `user-${i}`);
      expect(b).toBe(hashBucket('seed:', `user-${i}`));
      expect(b).toBeGreaterThanOrEqual(0);
      expect(b).toBeLessThan(1);
      expect(Number.isInteger(Math.round(b * BUCKET_COUNT * 1e6) / 1e6)).toBe(true);
    }
  });

  it('the splitloop seed is the salt and a colon', () => {
    expect(assignmentSeed('abc')).toBe('abc:');
    expect(bucketOf('abc', 'u1')).toBe(hashBucket('abc:', 'u1'));
  });

  it('the separator keeps salt and id from running together', () => {
    // Without it, salt "ab" + user "c" and salt "a" + user "bc" would both hash "abc".
    expect(hashBucket('ab', 'c')).toBe(hashBucket('a', 'bc'));
    expect(bucketOf('ab', 'c')).not.toBe(bucketOf('a', 'bc'));
  });

  it('different salts give independent buckets for the same user', () => {
    let same = 0;
    for (let i = 0; i < 1000; i++) if (bucketOf('salt-1', String(i)) === bucketOf('salt-2', String(i))) same++;
    expect(same).toBeLessThan(5);
  });
});
