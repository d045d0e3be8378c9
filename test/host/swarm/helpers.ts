// A fixture repository whose verification is a real check, and a scripted model: the planning
// call answers with a plan, each worker turn writes its file (tool use) and then ends its turn.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { reply, type MessagesApi, type RecordedRequest, type Reply } from '../../support/messagesApi';

export const CHECK_JS = `
const fs = require('fs');
let bad = 0;
for (const name of ['alpha', 'beta', 'gamma']) {
  const file = name + '.txt';
  if (!fs.existsSync(file)) continue;
  const text = fs.readFileSync(file, 'utf8').trim();
  if (text !== name + ': ok') { console.error(file + ': expected "' + name + ': ok" but found "' + text + '"'); bad++; }
}
if (bad) { console.error(bad + ' check(s) failed'); process.exit(1); }
console.log('3 passing');
`;

/** A temp workspace with package.json (`test`: node check.js) and check.js. */
export function fixtureRepo(prefix = 'apiary-swarm-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'fixture', version: '1.0.0', private: true, scripts: { test: 'node check.js' } }, null, 2));
  fs.writeFileSync(path.join(dir, 'check.js'), CHECK_JS);
  fs.writeFileSync(path.join(dir, 'README.md'), '# fixture\n');
  return dir;
}

export function writeSwarmConfig(dir: string, swarm: Record<string, unknown>): void {
  fs.mkdirSync(path.join(dir, '.apiary'), { recursive: true });
  fs.writeFileSync(path.join(dir, '.apiary', 'config.json'), JSON.stringify({ swarm }));
}

export const NAMES = ['alpha', 'beta', 'gamma'] as const;

export function threePlan(): unknown {
  return {
    subtasks: NAMES.map((n) => ({
      title: `Write ${n}.txt`,
      description: `Create ${n}.txt saying it is ok.`,
      acceptance: [`${n}.txt contains "${n}: ok"`, 'npm test passes'],
      files: [`${n}.txt`],
      dependsOn: [],
      strategy: 'file',
    })),
  };
}

function text(value: unknown): string {
  return JSON.stringify(value);
}

export function isPlanning(req: RecordedRequest): boolean {
  return (req.body.tools ?? []).some((t) => (t as { name?: string }).name === 'submit_plan');
}

/** Which fixture file a worker request is about (from its prompt). */
export function workerFile(req: RecordedRequest): string | null {
  const first = req.body.messages[0] as { content: unknown } | undefined;
  const m = /Your reserved files \(the only ones you may change\): ([^\n]+)/.exec(text(first?.content ?? '').replace(/\\n/g, '\n'));
  return m ? m[1]!.split(',')[0]!.trim() : null;
}

/** True when the last message carries tool results (the worker acted; now it may end its turn). */
export function afterTools(req: RecordedRequest): boolean {
  const last = req.body.messages[req.body.messages.length - 1] as { role: string; content: unknown };
  return last.role === 'user' && Array.isArray(last.content) && last.content.some((b) => (b as { type?: string }).type === 'tool_result');
}

export function attemptOf(req: RecordedRequest): number {
  const m = /Attempt (\d+): the previous attempt failed/.exec(text(req.body.messages[0]));
  return m ? Number(m[1]) : 1;
}

export interface ScriptOptions {
  plan?: () => unknown;
  /** What a worker writes into its file (default: the right content). */
  content?: (file: string, req: RecordedRequest) => string;
  /** Replaces a worker's first turn. */
  firstTurn?: (file: string, req: RecordedRequest) => Reply | null;
  delayMs?: number;
}

/** Scripts the fake API: planning → plan; worker turn 1 → write_file; after tools → end_turn. */
export function scriptSwarm(api: MessagesApi, opts: ScriptOptions = {}): void {
  api.onMessage((req) => {
    if (isPlanning(req)) return reply.toolUse('submit_plan', (opts.plan ?? threePlan)());
    const file = workerFile(req);
    if (!file) return reply.text('Explained: the run ended as its events say.');
    const delay = opts.delayMs !== undefined ? { delayMs: opts.delayMs } : {};
    if (afterTools(req)) return reply.text(`Wrote ${file}; it says it is ok.`, { stopReason: 'end_turn', ...delay });
    const custom = opts.firstTurn?.(file, req);
    if (custom) return custom;
    const name = file.replace(/\.txt$/, '');
    return reply.toolUse('write_file', { path: file, content: opts.content ? opts.content(file, req) : `${name}: ok\n` }, delay);
  });
}
