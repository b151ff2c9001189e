// The assignment hash: GrowthBook's hash version 2, so that splitloop buckets can be checked
// against GrowthBook's published test vectors (packages/sdk-js/test/cases.json, "hash").
// Pure functions, no dependencies.

/** FNV-1a 32-bit offset basis and prime (http://www.isthe.com/chongo/tech/comp/fnv/). */
const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** Buckets are multiples of 1 / BUCKET_COUNT in [0, 1). */
export const BUCKET_COUNT = 10_000;

/** The GrowthBook hash version splitloop implements. */
export const HASH_VERSION = 2;

/**
 * FNV-1a, 32 bits, as an unsigned integer.
 *
 * Like GrowthBook's JavaScript SDK it folds in UTF-16 code units (`charCodeAt`), not UTF-8 bytes:
 * identical for ASCII; for other characters it matches the JS SDK (SDKs that hash UTF-8 bytes
 * give different buckets for non-ASCII ids).
 */
export function fnv1a32(str: string): number {
  return fnvUpdate(FNV_OFFSET_BASIS, str) >>> 0;
}

/** FNV-1a is a stream: hashing `a` then `b` equals hashing `a + b`, without building the string. */
function fnvUpdate(hash: number, str: string): number {
  for (let i = 0; i < str.length; i++) {
    hash ^= str.charCodeAt(i);
    hash = Math.imul(hash, FNV_PRIME);
  }
  return hash;
}

/** fnv1a32(String(n)) for an unsigned 32-bit n, digit by digit (no string is built). */
function fnvOfDecimal(n: number): number {
  let div = 1;
  while (div * 10 <= n) div *= 10;
  let hash = FNV_OFFSET_BASIS;
  for (; div >= 1; div /= 10) {
    hash ^= 48 + (Math.floor(n / div) % 10); // '0' is 48
    hash = Math.imul(hash, FNV_PRIME);
  }
  return hash >>> 0;
}

/** The v2 bucket of an already-streamed first hash. */
function bucketOfHash(first: number): number {
  return (fnvOfDecimal(first >>> 0) % BUCKET_COUNT) / BUCKET_COUNT;
}

/**
 * GrowthBook v2 hash: a bucket in [0, 1) with 4 decimal places.
 * `fnv1a32(String(fnv1a32(seed + userId))) % 10000 / 10000`
 */
export function hashBucket(seed: string, userId: string): number {
  return bucketOfHash(fnvUpdate(fnvUpdate(FNV_OFFSET_BASIS, seed), userId));
}

/** splitloop's seed for an experiment: the salt and a separator, so salt and id cannot run together. */
export function assignmentSeed(salt: string): string {
  return `${salt}:`;
}

/** The bucket of a user in an experiment with this salt. */
export function bucketOf(salt: string, userId: string): number {
  // hashBucket(assignmentSeed(salt), userId), streamed: salt, then ':' (58), then the user id.
  const afterSeed = Math.imul(fnvUpdate(FNV_OFFSET_BASIS, salt) ^ 58, FNV_PRIME);
  return bucketOfHash(fnvUpdate(afterSeed, userId));
}
