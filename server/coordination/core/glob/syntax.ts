// Glob syntax for reservations: normalisation of user input, brace expansion and a strict
// tokenizer for one path segment. The tokenizer accepts the unambiguous core of the syntax
// (literals, escapes, `?`, `*`, `**`, bracket classes with ranges, `!`/`^` negation and POSIX
// classes); anything else (extglobs, bare parentheses, numeric ranges, unbalanced braces) is
// reported as undecidable, and callers fall back to picomatch on concrete workspace files.
import { ApiaryError } from '../../../../shared/errors';
import { type CharRange, type CharSet, SEGMENT_CHAR, complement, foldCase, fromRanges, intersect, single } from './charset';

export interface NormalizedPattern {
  /** Canonical text, stored on reservations and handed to picomatch. */
  text: string;
  /** The request entry started with `!`: an exception carved out of the others. */
  negated: boolean;
}

function invalid(message: string, hint: string, pattern: string): ApiaryError {
  return new ApiaryError('invalid_params', message, hint, { pattern });
}

/**
 * Canonical form of a workspace-relative path or glob: `./` and empty segments dropped, a
 * trailing `/` meaning "everything inside" (`src/` → `src/**`), `.` meaning the whole
 * workspace, runs of `*` inside a segment collapsed to one (`a**b` is `a*b`, as bash reads it),
 * repeated `**` segments merged. Absolute paths and `..` are refused.
 */
export function normalizePattern(raw: string): NormalizedPattern {
  let text = raw;
  let negated = false;
  // `!(...)` is an extglob, not a negation (picomatch reads it the same way).
  if (text.startsWith('!') && text[1] !== '(') {
    negated = true;
    text = text.slice(1);
    if (text.startsWith('!') && text[1] !== '(') {
      throw invalid(`Double negation in "${raw}"`, 'Use one leading "!" to exclude paths, or none.', raw);
    }
  }
  if (text.length === 0) throw invalid('Empty pattern', 'Give a workspace-relative path or glob such as src/**.', raw);
  if (text.startsWith('/') || /^[A-Za-z]:[\\/]/.test(text)) {
    throw invalid(`"${raw}" is absolute`, 'Patterns are relative to the workspace root, e.g. src/app.ts.', raw);
  }
  const parts = text.split('/');
  const directory = parts.length > 1 && parts[parts.length - 1] === '';
  const segments: string[] = [];
  for (const part of parts) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      throw invalid(`"${raw}" leaves the workspace`, 'Remove ".." segments: patterns are relative to the workspace root.', raw);
    }
    const canonical = /^\*+$/.test(part) ? (part.length > 1 ? '**' : '*') : canonicalSegment(part);
    if (canonical === '**' && segments[segments.length - 1] === '**') continue;
    segments.push(canonical);
  }
  if (directory && segments[segments.length - 1] !== '**') segments.push('**');
  if (segments.length === 0) segments.push('**');
  return { text: segments.join('/'), negated };
}

/** Canonical form of a concrete workspace-relative path (no glob meaning is given to it). */
export function normalizePath(raw: string): string {
  if (raw.length === 0) throw invalid('Empty path', 'Give a workspace-relative path such as src/app.ts.', raw);
  if (raw.startsWith('/') || /^[A-Za-z]:[\\/]/.test(raw)) {
    throw invalid(`"${raw}" is absolute`, 'Paths are relative to the workspace root, e.g. src/app.ts.', raw);
  }
  const segments: string[] = [];
  for (const part of raw.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') throw invalid(`"${raw}" leaves the workspace`, 'Remove ".." segments.', raw);
    segments.push(part);
  }
  if (segments.length === 0) throw invalid(`"${raw}" names no file`, 'Give a path below the workspace root.', raw);
  return segments.join('/');
}

function canonicalSegment(segment: string): string {
  let out = '';
  let afterStar = false;
  for (let i = 0; i < segment.length; i++) {
    const ch = segment[i];
    if (ch === '*') {
      if (!afterStar) out += ch;
      afterStar = true;
      continue;
    }
    afterStar = false;
    if (ch === '\\') {
      out += segment.slice(i, i + 2);
      i++;
    } else if (ch === '[') {
      const end = bracketEnd(segment, i);
      if (end < 0) out += ch;
      else {
        out += rewritePosixClasses(segment.slice(i, end + 1));
        i = end;
      }
    } else out += ch;
  }
  return out;
}

// POSIX classes spelled as ranges: the same set, and picomatch mis-escapes the rest of a
// pattern after a `[:name:]` (a later `.` matches any character), so never hand it one.
const POSIX_RANGES: Record<string, string> = {
  alnum: 'a-zA-Z0-9',
  alpha: 'a-zA-Z',
  digit: '0-9',
  lower: 'a-z',
  upper: 'A-Z',
  xdigit: '0-9A-Fa-f',
  word: 'A-Za-z0-9_',
};

function rewritePosixClasses(bracket: string): string {
  return bracket.replace(/\[:([a-z]+):\]/g, (whole, name: string) => POSIX_RANGES[name] ?? whole);
}

/** Index of the `]` closing the bracket opened at `open`, or -1 when it does not close. */
export function bracketEnd(text: string, open: number): number {
  let j = open + 1;
  if (text[j] === '!' || text[j] === '^') j++;
  if (text[j] === ']') j++;
  while (j < text.length) {
    const ch = text[j];
    if (ch === '\\') j += 2;
    else if (ch === '[' && text[j + 1] === ':') {
      const close = text.indexOf(':]', j + 2);
      if (close < 0) return -1;
      j = close + 2;
    } else if (ch === ']') return j;
    else j++;
  }
  return -1;
}

const MAX_ALTERNATIVES = 256;
const UNDECIDABLE = -2;

/**
 * Expands `{a,b}` alternatives (nested, with empty members) into plain patterns, or null when
 * the braces are not a plain comma list (ranges like `{1..3}`, a lone `{x}`, unbalanced braces,
 * `**` inside braces, braces inside brackets) or expand past 256 alternatives.
 */
export function expandBraces(text: string): string[] | null {
  const result = expand(text);
  return result !== null && result.length <= MAX_ALTERNATIVES ? result : null;
}

function expand(text: string): string[] | null {
  const open = findUnescaped(text, '{', 0);
  if (open === UNDECIDABLE) return null;
  if (open < 0) return [text];
  const close = matchingBrace(text, open);
  if (close < 0) return null;
  const body = text.slice(open + 1, close);
  // `**` and brackets holding brace syntax inside braces read differently across glob dialects.
  if (body.includes('**') || /\[[^\]]*[{},]/.test(body)) return null;
  const members = splitTopLevel(body);
  if (members === null || members.length < 2) return null;
  const prefix = text.slice(0, open);
  const suffixes = expand(text.slice(close + 1));
  if (suffixes === null) return null;
  const out: string[] = [];
  for (const member of members) {
    const inner = expand(member);
    if (inner === null) return null;
    for (const a of inner) {
      for (const b of suffixes) {
        out.push(prefix + a + b);
        if (out.length > MAX_ALTERNATIVES) return null;
      }
    }
  }
  return out;
}

/** Next unescaped `ch` outside brackets; a bracket holding `{`, `}` or `,` makes it UNDECIDABLE. */
function findUnescaped(text: string, ch: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '[') {
      const end = bracketEnd(text, i);
      if (end >= 0) {
        if (/[{},]/.test(text.slice(i, end + 1))) return UNDECIDABLE;
        i = end;
      }
    } else if (c === ch) return i;
  }
  return -1;
}

function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '[') {
      const end = bracketEnd(text, i);
      if (end >= 0) i = end;
    } else if (c === '{') depth++;
    else if (c === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

function splitTopLevel(body: string): string[] | null {
  const members: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\') i++;
    else if (c === '[') {
      const end = bracketEnd(body, i);
      if (end >= 0) i = end;
    } else if (c === '{') depth++;
    else if (c === '}') depth--;
    else if (c === ',' && depth === 0) {
      members.push(body.slice(start, i));
      start = i + 1;
    }
  }
  if (depth !== 0) return null;
  members.push(body.slice(start));
  return members;
}

// ── segments ────────────────────────────────────────────────────────────────────────────────

/** One step of a segment: read one character from `set`, or any run of segment characters. */
export type SegmentToken = { kind: 'set'; set: CharSet } | { kind: 'star' };

export interface Segment {
  globstar: boolean;
  // For a trailing `**`: whether it may match zero segments, so `a/**` matches `a`. picomatch
  // allows that unless the segment before `/**` ends in a wildcard `*` (`a*/**` does not match
  // `ab`), decided on the unexpanded text.
  matchesParent: boolean;
  tokens: SegmentToken[];
  /** The segment's exact text when it has no wildcard at all (escapes resolved). */
  literal: string | null;
}

// See Segment.matchesParent: false only for an unescaped `*` right before a final `/**`.
export function trailingGlobstarMatchesParent(text: string): boolean {
  if (!text.endsWith('*/**')) return true;
  let backslashes = 0;
  for (let k = text.length - 5; k >= 0 && text[k] === '\\'; k--) backslashes++;
  return backslashes % 2 === 1;
}

/**
 * Splits one brace-free alternative into segments, or null when some segment is undecidable.
 * `matchesParent` comes from trailingGlobstarMatchesParent on the unexpanded text.
 */
export function parseSegments(alternative: string, nocase: boolean, matchesParent = true): Segment[] | null {
  const segments: Segment[] = [];
  for (const part of alternative.split('/')) {
    if (part === '**') {
      segments.push({ globstar: true, matchesParent, tokens: [], literal: null });
      continue;
    }
    const segment = tokenizeSegment(part, nocase);
    if (segment === null) return null;
    segments.push(segment);
  }
  return segments;
}

function literalSet(ch: string, nocase: boolean): CharSet {
  const set = single(ch.charCodeAt(0));
  return nocase ? foldCase(set) : set;
}

// picomatch hands escapes to the regex engine, where `\\d`, `\\w`, `\\t`... are classes, not letters.
const REGEX_ESCAPE = /[A-Za-z0-9]/;

export function tokenizeSegment(text: string, nocase: boolean): Segment | null {
  const tokens: SegmentToken[] = [];
  let literal: string | null = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\') {
      const next = text[i + 1];
      if (next === undefined || next === '/' || REGEX_ESCAPE.test(next)) return null;
      tokens.push({ kind: 'set', set: literalSet(next, nocase) });
      if (literal !== null) literal += next;
      i++;
    } else if (ch === '*') {
      if (tokens[tokens.length - 1]?.kind !== 'star') tokens.push({ kind: 'star' });
      literal = null;
    } else if (ch === '?') {
      tokens.push({ kind: 'set', set: SEGMENT_CHAR });
      literal = null;
    } else if (ch === '[') {
      const end = bracketEnd(text, i);
      if (end < 0) return null;
      const set = parseClass(text.slice(i + 1, end), nocase);
      if (set === null) return null;
      tokens.push({ kind: 'set', set });
      literal = null;
      i = end;
    } else if ('(){}|]"'.includes(ch)) {
      return null;
    } else {
      tokens.push({ kind: 'set', set: literalSet(ch, nocase) });
      if (literal !== null) literal += ch;
    }
  }
  return { globstar: false, matchesParent: false, tokens, literal };
}

/** The body of `[...]` as a set, or null when it is not plainly a class. */
function parseClass(body: string, nocase: boolean): CharSet | null {
  let j = 0;
  let negated = false;
  if (body[0] === '!' || body[0] === '^') {
    negated = true;
    j = 1;
  }
  // A leading `]` or an empty body reads differently across glob dialects.
  if (j >= body.length || body[j] === ']') return null;
  const ranges: CharRange[] = [];
  const unit = (): number | null => {
    const ch = body[j];
    if (ch === '\\') {
      const next = body[j + 1];
      if (next === undefined || REGEX_ESCAPE.test(next)) return null;
      j += 2;
      return next.charCodeAt(0);
    }
    // `[:name:]` left after normalisation is a class we do not model.
    if (ch === '[' || ch === '/') return null;
    j++;
    return ch.charCodeAt(0);
  };
  while (j < body.length) {
    const lo = unit();
    if (lo === null) return null;
    if (body[j] === '-' && j + 1 < body.length) {
      j++;
      const hi = unit();
      if (hi === null || hi < lo) return null;
      ranges.push([lo, hi]);
    } else ranges.push([lo, lo]);
  }
  let set = fromRanges(ranges);
  if (nocase) set = foldCase(set);
  if (negated) set = complement(set);
  return intersect(set, SEGMENT_CHAR);
}
