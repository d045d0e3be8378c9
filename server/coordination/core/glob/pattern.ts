// Compiled reservation patterns: the picomatch matcher (the reference for "does this path
// match") plus, where the syntax allows, the automaton the overlap decision runs on.
//
// Matching semantics, chosen deliberately and used everywhere (index, check, overlap, guard):
// - dot: true — `*` and `**` match dot-files and dot-directories: `src/**` covers `src/.env`
//   and `**` covers `.github/ci.yml`. A reservation of a folder means all of it; a hidden file
//   is still a file another agent can clobber.
// - posix: true, literalBrackets: false — bash reading of brackets: `[!a]` and `[^a]` negate,
//   `[abc]` is always a class (picomatch's default would also match the literal text `[abc]`).
// - windows: false — paths are workspace-relative with `/`; adapters convert before calling.
// - case-sensitive unless `nocase` (for case-insensitive file systems; folding is ASCII-only
//   inside class ranges).
import picomatch from 'picomatch';
import { buildNfa, type Nfa } from './nfa';
import { expandBraces, normalizePattern, parseSegments, type Segment, trailingGlobstarMatchesParent } from './syntax';

export interface GlobOptions {
  nocase?: boolean;
}

export function picomatchOptions(options: GlobOptions = {}): picomatch.PicomatchOptions {
  return { dot: true, posix: true, literalBrackets: false, windows: false, nocase: options.nocase === true };
}

export interface CompiledPattern {
  /** Normalised text. */
  text: string;
  nocase: boolean;
  /** Every path the pattern matches, when it has no wildcard (braces of plain names included). */
  literals: string[] | null;
  /** Brace-expanded alternatives, or null when the syntax is too general to decide structurally. */
  alternatives: Segment[][] | null;
  /** Leading plain segments of each alternative (or picomatch's static base when undecidable). */
  prefixes: string[][];
  test(path: string): boolean;
  /** The automaton over the alternatives (built on first use), or null when undecidable. */
  automaton(): Nfa | null;
}

const cache = new Map<string, CompiledPattern>();
const CACHE_LIMIT = 10_000;

/** Compiles a normalised pattern text; results are cached, so call freely. */
export function compilePattern(text: string, options: GlobOptions = {}): CompiledPattern {
  const nocase = options.nocase === true;
  const key = `${nocase ? 'i' : 's'}:${text}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const compiled = compileUncached(text, nocase);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, compiled);
  return compiled;
}

// picomatch answers these two exact patterns from a precompiled shortcut that wants a character
// after the dot (`*.*` does not match `a.`, although `x/*.*` matches `x/a.`); model the same.
const SHORTCUT_READINGS: Record<string, string> = { '*.*': '*.?*', '**/*.*': '**/*.?*' };

function compileUncached(text: string, nocase: boolean): CompiledPattern {
  const expanded = expandBraces(SHORTCUT_READINGS[text] ?? text);
  let alternatives: Segment[][] | null = null;
  if (expanded !== null) {
    const parent = trailingGlobstarMatchesParent(text);
    const parsed = expanded.map((alt) => parseSegments(alt, nocase, parent));
    if (parsed.every((p): p is Segment[] => p !== null)) alternatives = parsed;
  }
  let literals: string[] | null = null;
  if (alternatives !== null && alternatives.every((segs) => segs.every((s) => s.literal !== null))) {
    literals = [...new Set(alternatives.map((segs) => segs.map((s) => s.literal).join('/')))];
  }
  const prefixes =
    alternatives !== null
      ? alternatives.map((segs) => leadingLiterals(segs))
      : [staticBase(text)];
  let test: (path: string) => boolean;
  if (literals !== null) {
    const set = new Set(nocase ? literals.map((l) => l.toLowerCase()) : literals);
    test = nocase ? (path) => set.has(path.toLowerCase()) : (path) => set.has(path);
  } else {
    test = picomatch(text, picomatchOptions({ nocase }));
  }
  let nfa: Nfa | undefined;
  const automaton = (): Nfa | null => (alternatives === null ? null : (nfa ??= buildNfa(alternatives)));
  return { text, nocase, literals, alternatives, prefixes, test, automaton };
}

function leadingLiterals(segments: readonly Segment[]): string[] {
  const out: string[] = [];
  for (const s of segments) {
    if (s.literal === null) break;
    out.push(s.literal);
  }
  // A fully literal alternative is a file name, not a directory prefix of others.
  return out.length === segments.length ? out.slice(0, -1) : out;
}

function staticBase(text: string): string[] {
  const { base } = picomatch.scan(text);
  // Escapes in the base would need unescaping; the root bucket is always correct.
  if (base === '' || base.includes('\\')) return [];
  return base.split('/').filter((s) => s !== '');
}

// ── specs ───────────────────────────────────────────────────────────────────────────────────

/** What a reservation (or a request) covers: any include, minus every exclude. */
export interface CompiledSpec {
  include: CompiledPattern[];
  exclude: CompiledPattern[];
  test(path: string): boolean;
}

/**
 * Compiles raw entries (`src/**`, `!src/gen/**`): entries with `!` become exclusions. Throws
 * ApiaryError(invalid_params) on bad input, like normalizePattern.
 */
export function compileSpec(entries: readonly string[], options: GlobOptions = {}): CompiledSpec {
  const include: string[] = [];
  const exclude: string[] = [];
  for (const entry of entries) {
    const { text, negated } = normalizePattern(entry);
    (negated ? exclude : include).push(text);
  }
  return specOf(include, exclude, options);
}

/** A spec from already normalised texts (as stored on reservations). */
export function specOf(include: readonly string[], exclude: readonly string[], options: GlobOptions = {}): CompiledSpec {
  const inc = include.map((t) => compilePattern(t, options));
  const exc = exclude.map((t) => compilePattern(t, options));
  const test =
    exc.length === 0
      ? inc.length === 1
        ? inc[0].test
        : (path: string) => inc.some((p) => p.test(path))
      : (path: string) => inc.some((p) => p.test(path)) && !exc.some((p) => p.test(path));
  return { include: inc, exclude: exc, test };
}
