// The completion gate's command: `swarm.verify` in .apiary/config.json, else detected from the
// workspace (package.json `test` script → npm test, Makefile `test` target → make test).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface SwarmFileSettings {
  verify?: string;
  concurrency?: number;
  bestOf?: number;
  chaos?: boolean;
  /** Seed of chaos mode's random choices, for a repeatable chaos run. */
  chaosSeed?: number;
}

export function readSwarmSettings(workspace: string): SwarmFileSettings {
  try {
    const raw = JSON.parse(fs.readFileSync(path.join(workspace, '.apiary', 'config.json'), 'utf8')) as { swarm?: unknown };
    const s = raw.swarm;
    if (!s || typeof s !== 'object') return {};
    const o = s as Record<string, unknown>;
    const out: SwarmFileSettings = {};
    if (typeof o.verify === 'string' && o.verify.trim()) out.verify = o.verify;
    if (typeof o.concurrency === 'number' && o.concurrency >= 1) out.concurrency = Math.floor(o.concurrency);
    if (typeof o.bestOf === 'number' && o.bestOf >= 1) out.bestOf = Math.floor(o.bestOf);
    if (typeof o.chaos === 'boolean') out.chaos = o.chaos;
    if (typeof o.chaosSeed === 'number') out.chaosSeed = o.chaosSeed;
    return out;
  } catch {
    return {};
  }
}

export function detectVerifyCommand(workspace: string): string | null {
  const configured = readSwarmSettings(workspace).verify;
  if (configured) return configured;
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(workspace, 'package.json'), 'utf8')) as { scripts?: Record<string, unknown> };
    if (typeof pkg.scripts?.test === 'string') return 'npm test --silent';
  } catch {
    /* no package.json */
  }
  try {
    if (/^test\s*:/m.test(fs.readFileSync(path.join(workspace, 'Makefile'), 'utf8'))) return 'make test';
  } catch {
    /* no Makefile */
  }
  return null;
}

export interface VerifyResult {
  passed: boolean;
  exitCode: number | null;
  output: string;
  ms: number;
  /** Counted "N passing"/"N passed" when the output says so. */
  testsPassed: number | null;
}

export function runVerify(command: string, cwd: string, timeoutMs = 120_000, signal?: AbortSignal): Promise<VerifyResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', command], { cwd, env: { ...process.env, CI: '1', FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const add = (b: Buffer) => {
      output += b.toString('utf8');
      if (output.length > 400_000) output = output.slice(-200_000);
    };
    child.stdout.on('data', add);
    child.stderr.on('data', add);
    const kill = () => child.kill('SIGKILL');
    const timer = setTimeout(kill, timeoutMs);
    signal?.addEventListener('abort', kill, { once: true });
    child.on('close', (code) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', kill);
      const m = /(\d+)\s+(?:passing|passed|tests? passed)/i.exec(output);
      resolve({ passed: code === 0, exitCode: code, output, ms: Date.now() - started, testsPassed: m ? Number(m[1]) : null });
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ passed: false, exitCode: null, output: `could not run ${command}: ${err.message}`, ms: Date.now() - started, testsPassed: null });
    });
  });
}

/** Failure output trimmed to what matters: error-looking lines and the tail. */
export function trimFailure(output: string, maxChars = 3000): string {
  const lines = output.split('\n').filter((l) => l.trim() !== '' && !/^\s*> /.test(l) && !/^npm (ERR|error)! (code|path|command|A complete log)/.test(l));
  const important = lines.filter((l) => /error|fail|assert|expected|✗|not ok|exception/i.test(l));
  const tail = lines.slice(-25);
  const picked = [...new Set([...important.slice(0, 25), ...tail])];
  const text = picked.join('\n');
  return text.length > maxChars ? text.slice(-maxChars) : text;
}

/** Content hashes of files (for the scope check: what changed between two moments). */
export function hashFiles(root: string, files: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of files) {
    try {
      out.set(f, createHash('sha1').update(fs.readFileSync(path.join(root, f))).digest('hex'));
    } catch {
      /* gone */
    }
  }
  return out;
}

/** Files added, removed or changed between two snapshots. */
export function changedFiles(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): string[] {
  const out = new Set<string>();
  for (const [f, h] of after) if (before.get(f) !== h) out.add(f);
  for (const f of before.keys()) if (!after.has(f)) out.add(f);
  return [...out].sort();
}
