// Sets of UTF-16 code units as sorted, disjoint, non-adjacent inclusive ranges. The overlap
// automaton labels its edges with these, so "can both patterns read some character here" is an
// exact intersection rather than a guess. Code units (not code points) because picomatch's
// regexes have no `u` flag: `?` matches one code unit.

export type CharRange = readonly [number, number];
export type CharSet = readonly CharRange[];

export const MAX_UNIT = 0xffff;
export const SLASH = 0x2f;
export const DOT = 0x2e;

export const EMPTY: CharSet = [];

export function single(unit: number): CharSet {
  return [[unit, unit]];
}

/** Any character a path segment may contain. */
export const SEGMENT_CHAR: CharSet = [
  [0, SLASH - 1],
  [SLASH + 1, MAX_UNIT],
];

export function fromRanges(ranges: Iterable<CharRange>): CharSet {
  const sorted = [...ranges].filter(([lo, hi]) => lo <= hi).sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

export function union(a: CharSet, b: CharSet): CharSet {
  return fromRanges([...a, ...b]);
}

export function intersect(a: CharSet, b: CharSet): CharSet {
  const out: Array<[number, number]> = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = Math.max(a[i][0], b[j][0]);
    const hi = Math.min(a[i][1], b[j][1]);
    if (lo <= hi) out.push([lo, hi]);
    if (a[i][1] < b[j][1]) i++;
    else j++;
  }
  return out;
}

export function complement(a: CharSet): CharSet {
  const out: Array<[number, number]> = [];
  let next = 0;
  for (const [lo, hi] of a) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= MAX_UNIT) out.push([next, MAX_UNIT]);
  return out;
}

export function subtract(a: CharSet, b: CharSet): CharSet {
  return intersect(a, complement(b));
}

export function has(set: CharSet, unit: number): boolean {
  for (const [lo, hi] of set) {
    if (unit < lo) return false;
    if (unit <= hi) return true;
  }
  return false;
}

const UPPER: CharRange = [0x41, 0x5a];
const LOWER: CharRange = [0x61, 0x7a];
const CASE_SHIFT = 0x20;

/** Adds the other case of every ASCII letter (what a case-insensitive filesystem ignores). */
export function foldCase(set: CharSet): CharSet {
  const extra: CharRange[] = [];
  for (const [lo, hi] of set) {
    const up: CharRange = [Math.max(lo, UPPER[0]), Math.min(hi, UPPER[1])];
    if (up[0] <= up[1]) extra.push([up[0] + CASE_SHIFT, up[1] + CASE_SHIFT]);
    const low: CharRange = [Math.max(lo, LOWER[0]), Math.min(hi, LOWER[1])];
    if (low[0] <= low[1]) extra.push([low[0] - CASE_SHIFT, low[1] - CASE_SHIFT]);
  }
  return extra.length === 0 ? set : fromRanges([...set, ...extra]);
}

// Witness paths should read well in an error message, so prefer ordinary characters.
const PREFERRED = 'xabcdefghijklmnopqrstuvwyz0123456789XABCDEFGHIJKLMNOPQRSTUVWYZ_-';

/** One member of a non-empty set, chosen to be readable. */
export function pick(set: CharSet): number {
  for (let k = 0; k < PREFERRED.length; k++) {
    const unit = PREFERRED.charCodeAt(k);
    if (has(set, unit)) return unit;
  }
  for (const [lo, hi] of set) {
    // Printable ASCII before anything else, then avoid lone surrogates.
    if (hi >= 0x21 && lo <= 0x7e) return Math.max(lo, 0x21);
  }
  for (const [lo, hi] of set) {
    if (lo > 0xdfff || hi < 0xd800) return lo;
    if (lo < 0xd800) return lo;
    if (hi > 0xdfff) return 0xe000;
  }
  return set[0][0];
}

/**
 * Splits `base` into pieces on which membership in each of `sets` is constant, grouped by that
 * membership: the alphabet refinement a subset construction needs to step several automata at once.
 */
export function refine(base: CharSet, sets: readonly CharSet[]): Array<{ part: CharSet; members: number[] }> {
  const cuts = new Set<number>();
  for (const [lo, hi] of base) {
    cuts.add(lo);
    cuts.add(hi + 1);
  }
  for (const set of sets) {
    for (const [lo, hi] of set) {
      cuts.add(lo);
      cuts.add(hi + 1);
    }
  }
  const points = [...cuts].sort((a, b) => a - b);
  const groups = new Map<string, { part: Array<[number, number]>; members: number[] }>();
  for (let k = 0; k + 1 < points.length; k++) {
    const lo = points[k];
    const hi = points[k + 1] - 1;
    if (!has(base, lo)) continue;
    const members: number[] = [];
    sets.forEach((set, index) => {
      if (has(set, lo)) members.push(index);
    });
    const key = members.join(',');
    const group = groups.get(key);
    if (group) group.part.push([lo, hi]);
    else groups.set(key, { part: [[lo, hi]], members });
  }
  return [...groups.values()].map((g) => ({ part: fromRanges(g.part), members: g.members }));
}
