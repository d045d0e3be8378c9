// Error signatures from verification output: a table of patterns (extensible), each turning a
// matching line into a stable signature — the part that names the kind of failure, with paths,
// line numbers and quoted values removed so the same mistake matches across attempts.

export interface SignatureRule {
  /** Short name of the family: "tsc", "esbuild", "mocha", "node-test", "jest", "module", "timeout", "python". */
  family: string;
  /** Tested against each line (multiline rules get the whole output via `scanAll`). */
  pattern: RegExp;
  /** Builds the signature from the match. */
  signature(m: RegExpMatchArray): string;
}

const STRIP_QUOTED = /(['"`])(?:(?!\1).){1,200}\1/g;

function generic(text: string): string {
  return text.replace(STRIP_QUOTED, '…').replace(/\d+/g, 'N').replace(/\s+/g, ' ').trim().slice(0, 160);
}

export const DEFAULT_RULES: SignatureRule[] = [
  // src/a.ts(3,7): error TS2345: Argument of type 'string' is not assignable …  /  src/a.ts:3:7 - error TS2345: …
  { family: 'tsc', pattern: /error (TS\d{4,5}): (.+)$/, signature: (m) => `${m[1]}: ${generic(m[2]!)}` },
  // ✘ [ERROR] Could not resolve "x"   (esbuild)
  { family: 'esbuild', pattern: /✘ \[ERROR\] (.+)$/, signature: (m) => `esbuild: ${generic(m[1]!)}` },
  { family: 'module', pattern: /(?:Cannot find module|Module not found: (?:Error: )?Can't resolve|ERR_MODULE_NOT_FOUND\]?:? Cannot find (?:package|module)) ['"]?([^'"\s]+)['"]?/, signature: (m) => `missing module ${m[1]!.replace(/^(\.\.?\/)+/, './')}` },
  // mocha: "  1) Suite name\n       does the thing:" — the numbered failure header
  { family: 'mocha', pattern: /^\s+\d+\) (.+?):?\s*$/, signature: (m) => `failing test: ${m[1]!.trim()}` },
  // node:test: "not ok 3 - adds numbers" and the spec reporter's "✖ adds numbers (1.2ms)"
  { family: 'node-test', pattern: /^\s*not ok \d+ - (.+)$/, signature: (m) => `failing test: ${m[1]!.trim()}` },
  { family: 'node-test', pattern: /^\s*✖ (.+?)(?: \([\d.]+m?s\))?$/, signature: (m) => `failing test: ${m[1]!.trim()}` },
  // jest: "  ● Suite › test name"
  { family: 'jest', pattern: /^\s*● (.+ › .+)$/, signature: (m) => `failing test: ${m[1]!.trim()}` },
  { family: 'timeout', pattern: /(Timeout of \d+ms exceeded|timed out after|ETIMEDOUT|Exceeded timeout of \d+ ?ms)/i, signature: (m) => `timeout: ${generic(m[1]!)}` },
  // Python: last line of a traceback, "ValueError: invalid literal …"
  { family: 'python', pattern: /^([A-Z][A-Za-z]*(?:Error|Exception)): (.+)$/, signature: (m) => `${m[1]}: ${generic(m[2]!)}` },
  { family: 'assert', pattern: /^\s*(AssertionError(?: \[ERR_ASSERTION\])?): (.+)$/, signature: (m) => `${m[1]!.replace(/ \[ERR_ASSERTION\]/, '')}: ${generic(m[2]!)}` },
];

export interface Signature {
  family: string;
  signature: string;
  /** The first line it was seen on (trimmed), for showing the model. */
  example: string;
}

/** Distinct signatures in the output, in order of first appearance. */
export function extractSignatures(output: string, rules: SignatureRule[] = DEFAULT_RULES): Signature[] {
  const seen = new Set<string>();
  const out: Signature[] = [];
  const hasTraceback = /Traceback \(most recent call last\)/.test(output);
  const lines = output.split(/\r?\n/);
  lines.forEach((line, i) => {
    for (const rule of rules) {
      if (rule.family === 'python' && !hasTraceback) continue;
      if (rule.family === 'mocha' && !/\d+ failing/.test(output)) continue;
      const m = line.match(rule.pattern);
      if (!m) continue;
      let signature = rule.signature(m);
      // Mocha prints "1) suite" then the test title, indented deeper, ending with a colon.
      const title = rule.family === 'mocha' ? lines[i + 1]?.match(/^\s+(\S.*?):\s*$/) : null;
      if (title) signature = `${signature} ${title[1]!.trim()}`;
      if (!seen.has(signature)) {
        seen.add(signature);
        out.push({ family: rule.family, signature, example: line.trim().slice(0, 240) });
      }
      break;
    }
  });
  return out;
}
