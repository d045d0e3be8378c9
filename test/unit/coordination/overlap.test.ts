// Overlap of reservation patterns: decided exactly and in both directions, with a witness path
// both sides match (checked here against picomatch itself, independently of the decision).
import assert from 'node:assert/strict';
import picomatch from 'picomatch';
import { ApiaryError } from '../../../shared/errors';
import { overlap } from '../../../server/coordination/core/glob/overlap';
import { picomatchOptions } from '../../../server/coordination/core/glob/pattern';
import { normalizePattern } from '../../../server/coordination/core/glob/syntax';

type Side = string | string[];

/** An independent matcher for a spec: picomatch on the normalised entries, `!` entries excluded. */
function reference(side: Side, nocase = false): (path: string) => boolean {
  const entries = (typeof side === 'string' ? [side] : side).map(normalizePattern);
  const inc = entries.filter((e) => !e.negated).map((e) => picomatch(e.text, picomatchOptions({ nocase })));
  const exc = entries.filter((e) => e.negated).map((e) => picomatch(e.text, picomatchOptions({ nocase })));
  return (path) => inc.some((m) => m(path)) && !exc.some((m) => m(path));
}

const TABLE: Array<[Side, Side, boolean, string]> = [
  ['src/a.ts', 'src/**', true, 'a held file inside a requested tree'],
  ['src/*.ts', 'src/**/x.ts', true, 'star and globstar meet at src/x.ts'],
  ['src/*.ts', 'lib/**', false, 'different top-level folders'],
  ['src/{a,b}.ts', 'src/b.ts', true, 'brace alternative names the file'],
  ['src/{a,b}.ts', 'src/c.ts', false, 'no brace alternative names the file'],
  ['src/{a,b}.ts', 'src/{b,c}.ts', true, 'brace sets share b'],
  ['**', '.env', true, 'dot-files are covered by **'],
  ['src/**', 'src/.env', true, 'dot-files inside a reserved tree'],
  ['*', '.gitignore', true, 'a single star covers a dot-file at the root'],
  ['**/*.ts', '.github/scripts/x.ts', true, 'globstar walks into dot-directories'],
  [['src/**', '!src/gen/**'], 'src/gen/x.ts', false, 'an exclusion removes the file'],
  [['src/**', '!src/gen/**'], 'src/gen/**', false, 'an exclusion removes the whole subtree'],
  [['src/**', '!src/gen/**'], 'src/g*/**', true, 'a sibling of the excluded folder still meets'],
  [['src/**', '!src/gen/**'], ['src/**', '!src/app/**'], true, 'two specs with different exclusions'],
  [['**', '!**/*.ts'], '*.ts', false, 'everything but TypeScript vs TypeScript'],
  ['src/[a-c]?.ts', 'src/*[!a-z].ts', true, 'class, ? and negated class intersect'],
  ['src/[abc].ts', 'src/[!abc].ts', false, 'a class and its negation'],
  ['src/?.ts', 'src/ab.ts', false, '? is exactly one character'],
  ['src/??.ts', 'src/ab.ts', true, 'two ? match two characters'],
  ['a/**/b', 'a/b', true, 'globstar matches zero segments'],
  ['a/**/b', 'a/x/y/b', true, 'globstar matches several segments'],
  ['*.md', 'docs/*.md', false, 'a star never crosses a slash'],
  ['**/*.md', 'docs/**', true, 'both reach docs/x.md'],
  ['src/', 'src/deep/file.ts', true, 'a trailing slash means everything inside'],
  ['./src//a.ts', 'src/a.ts', true, './ and doubled slashes are normalised'],
  ['src/*/test/*.ts', 'src/**/test/a.ts', true, 'one segment vs any depth'],
  ['src/*.test.ts', 'src/*.spec.ts', false, 'different suffixes'],
  ['*.ts', '*.js', false, 'different extensions'],
  ['src/*', 'src/a/b', false, 'a star covers one level only'],
  ['src/a*', 'src/*b', true, 'prefix and suffix stars meet at src/ab'],
  ['src/**', 'src', true, 'a tree reservation covers the folder path itself'],
  ['lib/**', 'library/**', false, 'a name prefix is not a folder prefix'],
  ['a/*/c', 'a/b/*', true, 'stars in different positions meet at a/b/c'],
  ['**/node_modules/**', 'packages/x/node_modules/y/z.js', true, 'globstar on both sides of a folder name'],
  ['src/**/*.ts', 'src/**/*.tsx', false, 'no name ends in both .ts and .tsx'],
  ['[[:upper:]]*', '[a-z]*', false, 'POSIX upper vs lower-case range'],
  ['a\\*b', 'a?b', true, 'an escaped star is a literal character'],
  ['src/!(x).ts', 'src/y.ts', true, 'an extglob against a plain path is still exact'],
];

describe('coordination: glob overlap', () => {
  describe(`a table of ${TABLE.length} pattern pairs, each decided in both directions`, () => {
    for (const [a, b, expected, why] of TABLE) {
      it(`${JSON.stringify(a)} vs ${JSON.stringify(b)}: ${expected ? 'overlap' : 'disjoint'} (${why})`, () => {
        const ab = overlap(a, b);
        const ba = overlap(b, a);
        assert.equal(ab.overlap, expected);
        assert.equal(ba.overlap, expected);
        assert.equal(ab.exact, true);
        assert.equal(ba.exact, true);
        const matchA = reference(a);
        const matchB = reference(b);
        for (const r of [ab, ba]) {
          if (expected) {
            assert.ok(r.witness !== null, 'an overlap comes with a witness');
            assert.ok(matchA(r.witness) && matchB(r.witness), `witness ${r.witness} matches both`);
          } else assert.equal(r.witness, null);
        }
      });
    }
  });

  it('names the common file in the witness (src/*.ts vs src/**/x.ts → src/x.ts)', () => {
    assert.equal(overlap('src/*.ts', 'src/**/x.ts').witness, 'src/x.ts');
    assert.equal(overlap('src/a.ts', 'src/**').witness, 'src/a.ts');
  });

  it('keeps witnesses out of excluded subtrees', () => {
    const r = overlap(['src/**', '!src/gen/**'], 'src/g*/**');
    assert.ok(r.witness !== null && !r.witness.startsWith('src/gen/'), String(r.witness));
  });

  it('is case-sensitive by default and folds case when asked', () => {
    assert.equal(overlap('SRC/App.ts', 'src/app.ts').overlap, false);
    assert.equal(overlap('SRC/App.ts', 'src/app.ts', { nocase: true }).overlap, true);
    assert.equal(overlap('SRC/*.TS', 'src/[a-c]*.ts', { nocase: true }).overlap, true);
    assert.equal(overlap('SRC/*.TS', 'src/[a-c]*.ts').overlap, false);
  });

  describe('globs too general to decide structurally', () => {
    it('decide extglob pairs on the workspace files, and say the answer is not exact', () => {
      const files = ['src/a.ts', 'src/c.ts', 'README.md'];
      const hit = overlap('src/+(a|b).ts', 'src/*.ts', { files });
      assert.deepEqual(hit, { overlap: true, witness: 'src/a.ts', exact: false });
      const miss = overlap('src/+(a|b).ts', 'src/c*', { files });
      assert.deepEqual(miss, { overlap: false, witness: null, exact: false });
    });

    it('treat numeric brace ranges the same way', () => {
      const r = overlap('logs/{1..3}.txt', 'logs/*.txt', { files: ['logs/2.txt'] });
      assert.deepEqual(r, { overlap: true, witness: 'logs/2.txt', exact: false });
    });
  });

  describe('normalisation', () => {
    it('strips ./, doubled slashes and . segments, and reads a trailing slash as the whole folder', () => {
      assert.equal(normalizePattern('./src//lib/./x.ts').text, 'src/lib/x.ts');
      assert.equal(normalizePattern('src/').text, 'src/**');
      assert.equal(normalizePattern('.').text, '**');
      assert.equal(normalizePattern('a/**/**/b').text, 'a/**/b');
    });

    it('reads runs of stars inside a name as one star, as bash does', () => {
      assert.equal(normalizePattern('src/a**b.ts').text, 'src/a*b.ts');
      assert.equal(normalizePattern('src/***').text, 'src/**');
      assert.equal(overlap('a**.ts', 'x/y.ts').overlap, false);
    });

    it('spells POSIX classes as ranges', () => {
      assert.equal(normalizePattern('[[:digit:]]*.log').text, '[0-9]*.log');
    });

    it('marks a leading ! as an exclusion, but not an extglob', () => {
      assert.deepEqual(normalizePattern('!src/gen/**'), { text: 'src/gen/**', negated: true });
      assert.deepEqual(normalizePattern('!(x).ts'), { text: '!(x).ts', negated: false });
    });

    for (const bad of ['/etc/passwd', 'C:\\work\\x.ts', '../outside.ts', 'src/../../x', '', '!!src']) {
      it(`refuses ${JSON.stringify(bad)} with invalid_params and a hint`, () => {
        assert.throws(
          () => normalizePattern(bad),
          (err: unknown) => err instanceof ApiaryError && err.code === 'invalid_params' && typeof err.hint === 'string' && err.hint.length > 0,
        );
      });
    }
  });
});
