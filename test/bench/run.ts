// `apiary bench [store|hive|locks|mcp|memory|router ...] [--json]`: runs the named benchmarks (all
// that exist when none is named) and prints a table per benchmark, or one JSON object per line.
// Built into dist/bench.js beside the CLI; benchmark modules are found by name (`<name>.ts` here,
// exporting `bench<Name>()`), so a new one joins by being added to BENCHMARKS below.
import { renderTable } from './support/table';
import type { BenchResult } from './support/result';

export { runBenchChild } from './support/child';

/** Every benchmark the CLI knows, in the order they run. */
export const BENCHMARKS = ['store', 'hive', 'locks', 'mcp', 'memory', 'router'] as const;

type Bench = () => Promise<BenchResult>;

const USAGE = `usage: apiary bench [${BENCHMARKS.join('|')} ...] [--json]`;

function exportName(name: string): string {
  return `bench${name[0]!.toUpperCase()}${name.slice(1)}`;
}

/** The module's bench function, or null when this checkout has no such benchmark yet. */
async function load(name: string): Promise<Bench | null> {
  let mod: unknown;
  try {
    // A template import: the bundler includes every module beside this one, keyed by path.
    mod = await import(`./${name}.ts`);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const code = (err as { code?: unknown }).code;
    const missing = message.startsWith('Module not found in bundle') || code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND';
    if (missing && message.includes(`${name}.ts`)) return null;
    throw err;
  }
  const fn = (mod as Record<string, unknown>)[exportName(name)];
  if (typeof fn !== 'function') throw new Error(`test/bench/${name}.ts does not export ${exportName(name)}()`);
  return fn as Bench;
}

function fail(json: boolean, code: string, message: string, hint?: string): void {
  if (json) process.stdout.write(JSON.stringify({ error: { code, message, ...(hint ? { hint } : {}) } }) + '\n');
  else process.stderr.write(`apiary bench: ${message}\n${hint ? `hint: ${hint}\n` : ''}`);
}

/** Returns the process exit code: 0 when every benchmark ran, 1 when one failed, 2 on usage errors. */
export async function runBenchmarks(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  const names: string[] = [];
  for (const a of argv) {
    if (a === '--json') continue;
    if (a === '--help' || a === '-h') {
      process.stdout.write(USAGE + '\n');
      return 0;
    }
    if (a.startsWith('-') || !(BENCHMARKS as readonly string[]).includes(a)) {
      fail(json, 'usage', `unknown benchmark or option ${a}`, USAGE);
      return 2;
    }
    if (!names.includes(a)) names.push(a);
  }
  const explicit = names.length > 0;
  const selected: Array<[string, Bench]> = [];
  for (const name of explicit ? names : BENCHMARKS) {
    const fn = await load(name);
    if (fn) selected.push([name, fn]);
    else if (explicit) {
      fail(json, 'usage', `this checkout has no ${name} benchmark yet`, `Available: ${(await available()).join(', ') || 'none'}.`);
      return 2;
    }
  }
  let exit = 0;
  for (const [name, fn] of selected) {
    process.stderr.write(`bench ${name}\n`);
    try {
      const result = await fn();
      process.stdout.write((json ? JSON.stringify(result) : renderTable(result) + '\n') + '\n');
    } catch (err) {
      fail(json, 'internal', `benchmark ${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      exit = 1;
    }
  }
  return exit;
}

async function available(): Promise<string[]> {
  const out: string[] = [];
  for (const n of BENCHMARKS) if (await load(n)) out.push(n);
  return out;
}
