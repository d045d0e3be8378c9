// A real agent host (every feature of `hostFeatures()`) on a temp workspace, talking to the
// fake Messages API through the real SDK; clients attach over the workspace socket as the CLI
// and VS Code do. The host's clock can be moved forward (reservations expiring, breakers
// cooling down) without waiting.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MessageConnection } from 'vscode-jsonrpc';
import { attach } from '../../../server/host/attach';
import { Host } from '../../../server/host/host';
import { readHostFile } from '../../../server/host/hostFile';
import { workspacePaths } from '../../../server/host/paths';
import { VERSION } from '../../../server/host/version';
import { hostFeatures } from '../../../server/main';
import { startMessagesApi, type MessagesApi } from '../../support/messagesApi';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
const CLI = path.join(ROOT, 'server', 'cli.ts');

/** Shaped like a real key, so the scrubbers' pattern would catch it too; tests look for this exact text. */
export const TEST_KEY = 'sk-ant-api03-test-Zq7Xv2Lm9Pw4Rt8Yk3Hn6Bc1Df5Gj0';

export interface LlmEnvSetting {
  apiKey?: string;
  baseUrl?: string;
}

export interface LlmHost {
  host: Host;
  dir: string;
  logs: string[];
  /** Milliseconds added to the real time on the host's clock. */
  clock: { offsetMs: number };
  connect(name?: string): Promise<MessageConnection>;
  stop(): Promise<void>;
}

/**
 * Call inside a describe: each test gets a fresh scripted Messages API (`.api`), and the host it
 * starts into `.h` is stopped after it, before the API closes.
 */
export function eachTestWithMessagesApi(): { api: MessagesApi; h: LlmHost | undefined } {
  const t = { h: undefined } as { api: MessagesApi; h: LlmHost | undefined };
  beforeEach(async () => {
    t.api = await startMessagesApi();
  });
  afterEach(async () => {
    await t.h?.stop();
    t.h = undefined;
    await t.api.close();
  });
  return t;
}

export function tempWorkspace(prefix = 'apiary-llm-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Runs `fn` with ANTHROPIC_API_KEY / ANTHROPIC_BASE_URL set as given (unset when absent), then restores them. */
async function withEnv<T>(env: LlmEnvSetting, fn: () => Promise<T>): Promise<T> {
  const saved = { key: process.env.ANTHROPIC_API_KEY, url: process.env.ANTHROPIC_BASE_URL };
  const set = (name: string, value: string | undefined) => {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  };
  set('ANTHROPIC_API_KEY', env.apiKey);
  set('ANTHROPIC_BASE_URL', env.baseUrl);
  try {
    return await fn();
  } finally {
    set('ANTHROPIC_API_KEY', saved.key);
    set('ANTHROPIC_BASE_URL', saved.url);
  }
}

/** Starts a host in this process; the LLM feature reads the environment given here. */
export async function startLlmHost(opts: { dir?: string; env?: LlmEnvSetting; offsetMs?: number } = {}): Promise<LlmHost> {
  const dir = opts.dir ?? tempWorkspace();
  const logs: string[] = [];
  const clock = { offsetMs: opts.offsetMs ?? 0 };
  const host = await withEnv(opts.env ?? {}, () =>
    Host.start({ workspace: dir, features: hostFeatures(), sink: (t) => logs.push(t), logLevel: 'debug', now: () => Date.now() + clock.offsetMs }),
  );
  const conns: MessageConnection[] = [];
  return {
    host,
    dir,
    logs,
    clock,
    async connect(name = 'test-client') {
      const { conn } = await attach(dir, { client: { name, kind: 'cli', version: VERSION }, start: false });
      conns.push(conn);
      return conn;
    },
    async stop() {
      for (const c of conns.splice(0)) c.dispose();
      await host.stop();
    },
  };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (the last line), when it is JSON. */
  json?: unknown;
}

/** Runs the `apiary` CLI from the sources as a child process. */
export function runCli(args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT, env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      const last = stdout.trim().split('\n').pop() ?? '';
      let json: unknown;
      try {
        json = JSON.parse(last);
      } catch {
        json = undefined;
      }
      resolve({ code: code ?? 1, stdout, stderr, json });
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** A host in its own process (`apiary serve` from the sources), for crash tests. */
export async function spawnHost(dir: string, env: LlmEnvSetting): Promise<{ child: ChildProcess; output: () => string }> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  delete childEnv.ANTHROPIC_API_KEY;
  delete childEnv.ANTHROPIC_BASE_URL;
  if (env.apiKey) childEnv.ANTHROPIC_API_KEY = env.apiKey;
  if (env.baseUrl) childEnv.ANTHROPIC_BASE_URL = env.baseUrl;
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'serve', '--workspace', dir, '--log-level', 'debug'], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString('utf8')));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString('utf8')));
  const deadline = Date.now() + 30_000;
  for (;;) {
    const info = readHostFile(workspacePaths(dir).hostJson);
    if (info && info.pid === child.pid) break;
    if (child.exitCode !== null) throw new Error(`the host exited with ${child.exitCode}: ${output}`);
    if (Date.now() > deadline) throw new Error(`the host did not start: ${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, output: () => output };
}

/** The key a request to the fake API carried (the SDK sends it as a bearer token or as x-api-key). */
export function keyOf(headers: Record<string, string>): string | undefined {
  return headers['x-api-key'] ?? headers.authorization?.replace(/^Bearer /, '');
}

/** Every file under a folder, with its bytes. */
export function filesUnder(dir: string): Array<{ file: string; bytes: Buffer }> {
  const out: Array<{ file: string; bytes: Buffer }> = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(p));
    else if (entry.isFile()) out.push({ file: p, bytes: fs.readFileSync(p) });
  }
  return out;
}

/** The price table as stored in the repository (USD per million tokens). */
export function priceTable(): { tiers: Record<string, string>; models: Record<string, { input: number; output: number; cacheWrite5m: number; cacheRead: number }> } {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'server', 'llm', 'pricing', 'prices.json'), 'utf8')) as ReturnType<typeof priceTable>;
}
