// What kind of task a piece of work is, from its words. The router and the strategy advice keep
// their statistics per kind, so the same kind of work must land in the same bucket every time.
// First match wins; order goes from the most specific to the most general.

const RULES: Array<[kind: string, pattern: RegExp]> = [
  // A question or a search, by its first word: "Find where retries are configured" is a look-up.
  ['lookup', /^\s*(find|search|list|explain|summari[sz]e|investigate|locate|where|what|why|how)\b/i],
  ['design', /\b(design|architect\w*|rfc|proposal|api shape|data model|schema design)\b/i],
  ['test', /\b(tests?|specs?|coverage|test suite|unit test\w*|e2e)\b/i],
  ['docs', /\b(docs?|documentation|readme|changelog|comments?|docstrings?|jsdoc|typos?)\b/i],
  ['bugfix', /\b(fix\w*|bugs?|crash\w*|errors?|regressions?|broken|fails?|failing|exceptions?)\b/i],
  ['refactor', /\b(refactor\w*|renam\w*|extract\w*|clean ?up|simplif\w*|reorganiz\w*|restructur\w*|dedupe|move)\b/i],
  ['config', /\b(config\w*|ci|pipeline|build script|dependenc\w*|upgrade|bump)\b/i],
];

export function taskKind(text: string): string {
  for (const [kind, pattern] of RULES) if (pattern.test(text)) return kind;
  return 'feature';
}

/** Work that only reads (the router may send it to the small tier when it is short). */
export function isReadOnlyKind(kind: string): boolean {
  return kind === 'lookup';
}
