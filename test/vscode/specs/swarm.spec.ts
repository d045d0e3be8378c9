// The swarm in the real workbench: "Apiary: Start Swarm on Task…" from the command palette runs a
// swarm scripted by the local Messages API; the Swarm section shows the run and its workers, and
// the epic the run created is closed in the hive once every subtask passed the gate.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import fs from 'node:fs';
import type { Locator } from 'playwright-core';
import type { SwarmRunView } from '../../../shared/swarm';
import { reply, startMessagesApi, type MessagesApi } from '../../support/messagesApi';
import { vscodeRig } from '../support/session';
import { setUserSettings } from '../support/settings';

const root = path.resolve(__dirname, '..', '..', '..');
const KEY = 'sk-ant-api03-vscode-swarm-Hq3Wd8Ks1Pz6Rb2Xn9Lc4Vt7Ym5';
const TASK = 'Write swarm-a.txt and swarm-b.txt';

function apiary<T>(args: string[]): T {
  const { workspace } = vscodeRig();
  const out = execFileSync(process.execPath, [path.join(root, 'dist', 'cli.js'), ...args, '--workspace', workspace, '--json'], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!) as T;
}

async function pane(title: string): Promise<Locator> {
  const { workbench } = vscodeRig();
  await workbench.openViewContainer('Apiary');
  const p = workbench.view(title);
  await p.waitFor({ state: 'visible', timeout: 15_000 });
  const header = p.locator('.pane-header').first();
  if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
  return p;
}

describe('VS Code: swarm', () => {
  let api: MessagesApi;

  before(async () => {
    api = await startMessagesApi();
    api.onMessage((req) => {
      const tools = (req.body.tools ?? []) as Array<{ name: string }>;
      if (tools.some((t) => t.name === 'submit_plan')) {
        return reply.toolUse('submit_plan', {
          subtasks: ['a', 'b'].map((x) => ({ title: `Write swarm-${x}.txt`, description: `swarm-${x}.txt says ok`, acceptance: [`swarm-${x}.txt says ok`], files: [`swarm-${x}.txt`], dependsOn: [], strategy: 'file' })),
        });
      }
      const prompt = JSON.stringify(req.body.messages[0]);
      const file = /swarm-[ab]\.txt/.exec(/Your reserved files[^"]*/.exec(prompt)?.[0] ?? '')?.[0];
      if (!file) return reply.text('It ended as planned.');
      const last = req.body.messages[req.body.messages.length - 1] as { content: unknown };
      if (Array.isArray(last.content) && last.content.some((b) => (b as { type?: string }).type === 'tool_result')) return reply.text(`Wrote ${file}.`, { stopReason: 'end_turn', delayMs: 1500 });
      return reply.toolUse('write_file', { path: file, content: `${file}: ok\n` }, { delayMs: 1500 });
    });
  });
  after(async () => {
    await api?.close();
  });

  it('starts a scripted swarm from the command palette; the Swarm section shows its workers and the epic closes', async () => {
    const { workbench, workspace } = vscodeRig();
    await workbench.waitForStatusBarItem('Apiary: ready', 90_000);
    await setUserSettings({ 'apiary.llm.baseUrl': api.url });
    await workbench.runCommand('Apiary: Set Anthropic API Key');
    const input = workbench.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    await input.fill(KEY);
    await input.press('Enter');
    await workbench.waitForNotification(/Anthropic API key saved/);

    await workbench.runCommand('Apiary: Start Swarm on Task…');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    await input.fill(TASK);
    await input.press('Enter');
    await workbench.page.locator('.quick-input-widget .monaco-list-row', { hasText: 'one worker per subtask' }).first().waitFor({ state: 'visible', timeout: 15_000 });
    await input.press('Enter'); // best of 1
    await workbench.page.locator('.quick-input-widget', { hasText: 'budget in US dollars' }).first().waitFor({ state: 'visible', timeout: 15_000 });
    await input.press('Enter'); // no run budget

    const swarm = await pane('Swarm');
    const rows = await workbench.until(
      'the run and its two workers in the Swarm section',
      () => workbench.treeRows('Swarm'),
      (r) => r.some((x) => x.label === TASK) && r.filter((x) => /^swarm-\w+-w\d$/.test(x.label)).length === 2,
      60_000,
    );
    assert.equal(rows.find((x) => x.label === TASK)!.level, 1);
    await workbench.screenshot('swarm-section-running');
    const done = await workbench.until('the run done', () => workbench.treeRows('Swarm'), (r) => /^done · 2\/2/.test(r.find((x) => x.label === TASK)?.description ?? ''), 90_000);
    const workers = done.filter((x) => /^swarm-\w+-w\d$/.test(x.label));
    for (const w of workers) assert.match(w.description, /· done ·/);
    await swarm.hover();
    await workbench.screenshot('swarm-section-done');

    for (const f of ['swarm-a.txt', 'swarm-b.txt']) assert.equal(fs.readFileSync(path.join(workspace, f), 'utf8'), `${f}: ok\n`);
    const status = apiary<{ runs: SwarmRunView[] }>(['swarm', 'status']);
    const run = status.runs.find((r) => r.task === TASK)!;
    assert.equal(run.status, 'done');
    const epic = apiary<{ cell: { status: string; title: string } }>(['hive', 'show', run.epic!]);
    assert.equal(epic.cell.status, 'closed');
    await swarm.locator('.pane-header').first().click(); // fold the Swarm section so the Hive rows show
    const hive = await pane('Hive');
    await workbench.until('the epic in the Hive view', () => workbench.treeRows('Hive'), (r) => r.some((x) => x.label === TASK), 30_000);
    await hive.locator('.monaco-list-row', { hasText: TASK }).first().scrollIntoViewIfNeeded();
    await workbench.screenshot('swarm-hive-epic-closed');
    await workbench.waitForNotification(/Swarm \w+ done/, 30_000);
  });
});
