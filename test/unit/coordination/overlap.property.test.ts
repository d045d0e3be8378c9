// Properties of the overlap decision over generated patterns: it is symmetric, every witness is
// matched by both sides (according to picomatch, not to the decision), and it never misses a
// common path that brute force finds in a small universe of files.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import picomatch from 'picomatch';
import { overlap } from '../../../server/coordination/core/glob/overlap';
import { picomatchOptions } from '../../../server/coordination/core/glob/pattern';
import { normalizePattern } from '../../../server/coordination/core/glob/syntax';

/** Every path of 1–3 segments whose names are 1–2 characters from `alphabet` (`.`/`..` excluded). */
function universeOf(alphabet: readonly string[]): string[] {
  const names: string[] = [];
  for (const a of alphabet) {
    names.push(a);
    for (const b of alphabet) names.push(a + b);
  }
  const valid = names.filter((n) => n !== '.' && n !== '..');
  const out: string[] = [];
  for (const x of valid) {
    out.push(x);
    for (const y of valid) {
      out.push(`${x}/${y}`);
      for (const z of valid) out.push(`${x}/${y}/${z}`);
    }
  }
  return out;
}

function segmentArb(names: readonly string[], wild: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(fc.constantFrom(...names), fc.constantFrom(...wild));
}

function specArb(segment: fc.Arbitrary<string>): fc.Arbitrary<string[]> {
  const pattern = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => s.join('/'));
  return fc.tuple(pattern, fc.option(pattern, { nil: undefined })).map(([p, n]) => (n === undefined ? [p] : [p, `!${n}`]));
}

function matcher(spec: readonly string[], nocase: boolean): (path: string) => boolean {
  const entries = spec.map(normalizePattern);
  const inc = entries.filter((e) => !e.negated).map((e) => picomatch(e.text, picomatchOptions({ nocase })));
  const exc = entries.filter((e) => e.negated).map((e) => picomatch(e.text, picomatchOptions({ nocase })));
  return (path) => inc.some((m) => m(path)) && !exc.some((m) => m(path));
}

const WILD = [
  '*', '?', '**', 'a*', '*b', '.*', '*.*', '[ab]', '[!a]', '[^b]', '?a', 'b?', '*a*', '[a-b].', '[.]?', '[!.]*',
  '{a,b}', '{a,.b}', 'a{,b}', '{a*,b}', '{a,b/a}', '{,.}a', '{b,a*}/**', '*/**', 'a/', '.', '\\.', 'a\\*', '[[:alpha:]]*',
];

function agreeWithBruteForce(alphabet: string[], wild: string[], nocase: boolean, runs: number): void {
  const universe = universeOf(alphabet);
  const names = universe.filter((p) => !p.includes('/'));
  const spec = specArb(segmentArb(names, wild));
  fc.assert(
    fc.property(spec, spec, (a, b) => {
      const ab = overlap(a, b, { nocase });
      const ba = overlap(b, a, { nocase });
      assert.equal(ab.exact && ba.exact, true, 'these patterns are decided structurally');
      assert.equal(ab.overlap, ba.overlap, 'symmetric');
      const ma = matcher(a, nocase);
      const mb = matcher(b, nocase);
      for (const r of [ab, ba]) {
        if (r.overlap) assert.ok(r.witness !== null && ma(r.witness) && mb(r.witness), `witness ${r.witness} matches both`);
      }
      const common = universe.find((p) => ma(p) && mb(p));
      if (common !== undefined) assert.equal(ab.overlap, true, `both match ${common}`);
    }),
    { numRuns: runs },
  );
}

describe('coordination: glob overlap properties', () => {
  it('is symmetric, has valid witnesses and agrees with brute force over a small file universe', () => {
    agreeWithBruteForce(['a', 'b', '.'], WILD, false, 3000);
  });

  it('does the same case-insensitively', () => {
    agreeWithBruteForce(['a', 'B', '.'], [...WILD, 'A*', '[A-B]?'], true, 1000);
  });
});
