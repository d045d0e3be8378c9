// Cell ids: a prefix and a short hash (`ap-3f8a`), and `.N` suffixes for children (`ap-3f8a.1.2`).
//
// Length rule. Ids use base 36 ([0-9a-z]). Two clones create cells without seeing each other, so a
// collision can only be caught locally; what keeps shared hives safe is the birthday bound. The
// length is the smallest L in [MIN_ID_LENGTH, MAX_ID_LENGTH] for which a hive one cell larger than
// now stays under COLLISION_BUDGET:
//
//     P(any collision among n+1 ids) ≈ 1 − exp(−(n+1)² / (2·36^L)) ≤ 1 %
//
// where n is the number of cells already in the hive (tombstones included). That gives 4 characters
// while n ≤ 182, 5 up to 1,101, 6 up to 6,613, 7 up to 39,687 and 8 up to 238,129. Locally a collision is still possible and is retried with a new nonce; after
// RETRIES_PER_LENGTH misses the length grows by one.
import { createHash } from 'node:crypto';

export const DEFAULT_ID_PREFIX = 'ap-';
export const MIN_ID_LENGTH = 4;
export const MAX_ID_LENGTH = 12;
export const COLLISION_BUDGET = 0.01;
const RETRIES_PER_LENGTH = 8;
const BASE = 36n;

export function idLengthFor(cellCount: number): number {
  const n = Math.max(0, cellCount) + 1;
  for (let length = MIN_ID_LENGTH; length < MAX_ID_LENGTH; length++) {
    const space = Math.pow(36, length);
    if (1 - Math.exp(-(n * n) / (2 * space)) <= COLLISION_BUDGET) return length;
  }
  return MAX_ID_LENGTH;
}

/** `length` base-36 characters taken from the SHA-256 of `seed` (64 bits cover 12 characters). */
export function hashId(seed: string, length: number): string {
  const digest = createHash('sha256').update(seed).digest();
  let value = digest.readBigUInt64BE(0) % BASE ** BigInt(length);
  let out = '';
  for (let i = 0; i < length; i++) {
    out = '0123456789abcdefghijklmnopqrstuvwxyz'[Number(value % BASE)] + out;
    value /= BASE;
  }
  return out;
}

export interface NewIdInput {
  prefix: string;
  /** What makes this cell distinct: title, actor, time. The nonce is appended per attempt. */
  seed: string;
  cellCount: number;
  exists: (id: string) => boolean;
}

export function newCellId({ prefix, seed, cellCount, exists }: NewIdInput): string {
  for (let length = idLengthFor(cellCount); length <= MAX_ID_LENGTH; length++) {
    for (let nonce = 0; nonce < RETRIES_PER_LENGTH; nonce++) {
      const id = prefix + hashId(`${seed}\u0000${length}\u0000${nonce}`, length);
      if (!exists(id)) return id;
    }
  }
  // 8 misses at each of 9 lengths means `exists` answers yes to everything.
  throw new Error('could not find a free cell id');
}

export function childId(parentId: string, n: number): string {
  return `${parentId}.${n}`;
}

/** The child number of a hierarchical id under `parentId`, or null when it is not a direct child id. */
export function childNumber(parentId: string, id: string): number | null {
  if (!id.startsWith(parentId + '.')) return null;
  const rest = id.slice(parentId.length + 1);
  return /^[1-9][0-9]*$/.test(rest) ? Number(rest) : null;
}

/**
 * Orders ids the way people read them: prefix and hash as text, child numbers as numbers, so
 * `ap-x.2` comes before `ap-x.10` and a parent before its children.
 */
export function compareIds(a: string, b: string): number {
  if (a === b) return 0;
  // Most ids have no child part: plain text order, without splitting.
  if (!a.includes('.') && !b.includes('.')) return a < b ? -1 : 1;
  const pa = a.split('.');
  const pb = b.split('.');
  const head = pa[0]! < pb[0]! ? -1 : pa[0]! > pb[0]! ? 1 : 0;
  if (head !== 0) return head;
  for (let i = 1; i < Math.min(pa.length, pb.length); i++) {
    const x = Number(pa[i]);
    const y = Number(pb[i]);
    if (Number.isInteger(x) && Number.isInteger(y)) {
      if (x !== y) return x - y;
    } else if (pa[i] !== pb[i]) {
      return pa[i]! < pb[i]! ? -1 : 1;
    }
  }
  return pa.length - pb.length;
}

/**
 * A string whose plain order is compareIds' order: child numbers zero-padded behind a separator
 * that sorts below every id character. Sorting thousands of ids by precomputed keys avoids
 * splitting them on every comparison.
 */
export function idSortKey(id: string): string {
  const dot = id.indexOf('.');
  if (dot < 0) return id;
  const parts = id.split('.');
  let key = parts[0]!;
  for (let i = 1; i < parts.length; i++) key += '\u0001' + parts[i]!.padStart(12, '0');
  return key;
}
