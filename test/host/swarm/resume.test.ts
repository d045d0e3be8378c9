// Crash recovery: the host is killed (SIGKILL) mid-run; a new host resumes the run from its
// events — finished subtasks stay finished, the interrupted one runs again, nothing accepted is
// done twice.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { SwarmRunRequest, SwarmStatusRequest, type SwarmRunView } from '../../../shared/swarm';
import { attach } from '../../../server/host/attach';
import { VERSION } from '../../../server/host/version';
import { reply, startMessagesApi, type MessagesApi } from '../../support/messagesApi';
import { spawnHost, TEST_KEY } from '../llm/helpers';
import { afterTools, fixtureRepo, isPlanning, workerFile } from './helpers';

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('Swarm resume after the host is killed', function () {
  this.timeout(180_000);
  let api: MessagesApi;
  const children: ChildProcess[] = [];

  beforeEach(async () => {
    api = await startMessagesApi();
  });
  afterEach(async () => {
    for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
    await api.close();
  });

  it('finished cells stay finished, the interrupted cell runs again, and the run ends done', async () => {
    const dir = fixtureRepo();
    let killed = false;
    // gamma's worker is slow until the host has been killed.
    api.onMessage((req) => {
      if (isPlanning(req)) return reply.toolUse('submit_plan', plan());
      const file = workerFile(req)!;
      const name = file.replace('.txt', '');
      if (afterTools(req)) return reply.text(`Wrote ${file}.`, { stopReason: 'end_turn' });
      if (file === 'gamma.txt' && !killed) return { kind: 'hang' };
      return reply.toolUse('write_file', { path: file, content: `${name}: ok\n` });
    });
    fs.mkdirSync(path.join(dir, '.apiary'), { recursive: true });
    const first = await spawnHost(dir, { apiKey: TEST_KEY, baseUrl: api.url });
    children.push(first.child);
    const { conn } = await attach(dir, { client: { name: 'tester', kind: 'cli', version: VERSION }, start: false });
    const { run } = await conn.sendRequest(SwarmRunRequest, { task: 'three files' });
    const status = async (): Promise<SwarmRunView> => (await conn.sendRequest(SwarmStatusRequest, { run: run.id })).runs[0]!;
    await until('alpha and beta done', async () => ((await status()).workers.filter((w) => w.state === 'done').length === 2 ? true : undefined));
    const before = await status();
    const gamma = before.workers.find((w) => w.files.includes('gamma.txt'))!;
    assert.equal(gamma.state, 'running');
    conn.dispose();
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    killed = true;
    const alphaCallsBefore = api.messageRequests().filter((r) => workerFile(r) === 'alpha.txt').length;

    const second = await spawnHost(dir, { apiKey: TEST_KEY, baseUrl: api.url });
    children.push(second.child);
    const again = await attach(dir, { client: { name: 'tester', kind: 'cli', version: VERSION }, start: false });
    const after = await until('the resumed run to end', async () => {
      const v = (await again.conn.sendRequest(SwarmStatusRequest, { run: run.id })).runs[0]!;
      return v.endedAt ? v : undefined;
    });
    again.conn.dispose();
    second.child.kill('SIGTERM');
    assert.equal(after.status, 'done', after.reason ?? '');
    assert.equal(fs.readFileSync(path.join(dir, 'gamma.txt'), 'utf8'), 'gamma: ok\n');
    const g = after.workers.find((w) => w.files.includes('gamma.txt'))!;
    assert.equal(g.state, 'done');
    assert.equal(g.attempts, 2, 'the interrupted attempt was run again as attempt 2');
    for (const w of after.workers.filter((x) => x !== g)) assert.equal(w.attempts, 1, `${w.cell} was not redone`);
    assert.equal(api.messageRequests().filter((r) => workerFile(r) === 'alpha.txt').length, alphaCallsBefore, 'no model call for finished work');
    assert.equal(api.messageRequests().filter(isPlanning).length, 1, 'the plan was not made again');
    assert.match(second.output(), /resum/i);
  });
});

function plan(): unknown {
  return {
    subtasks: ['alpha', 'beta', 'gamma'].map((n) => ({ title: `Write ${n}.txt`, description: n, acceptance: [`${n}.txt says ok`], files: [`${n}.txt`], dependsOn: [], strategy: 'file' })),
  };
}
