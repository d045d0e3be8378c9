// The Learning view and the memory commands in the real workbench. An agent outside the editor
// reports outcomes over MCP (swarm_record_outcome, as a coding agent does); the Learning view
// shows what the host's projections made of them — patterns by maturity, the anti-pattern,
// the router's mix — and follows further outcomes without a reload. "Apiary: Remember…" and
// "Apiary: Search Memory…" are driven from the palette, and the CLI confirms what was stored.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Frame } from 'playwright-core';
import type { RecordOutcomeResult } from '../../../shared/learning';
import type { MemoryFindResult } from '../../../shared/memory';
import { apiary, lastJson } from '../support/cli';
import { vscodeRig } from '../support/session';
import { setTheme } from '../support/settings';
import { frameText, sectionWebview, showOnlySection } from '../support/webview';

const PROVEN = 'write the failing test first';
const ESTABLISHED = 'keep each change under 200 lines';
const CANDIDATE = 'rename across modules in one commit';
const AVOID = 'edit the generated client by hand';
const FACT = 'Run the integration tests with npm run test:host; they need no network.';

interface OutcomeArgs {
  kind: string;
  tier: 'small' | 'medium' | 'large';
  success: boolean;
  patterns: string[];
}

describe('VS Code: the Learning view and shared memory', () => {
  let client: Client | undefined;
  let frame: Frame;

  async function record(o: OutcomeArgs): Promise<RecordOutcomeResult> {
    const result = (await client!.callTool({ name: 'swarm_record_outcome', arguments: { ...o, duration_ms: 1_000 } })) as CallToolResult;
    const first = result.content[0];
    assert.ok(!result.isError && first?.type === 'text', JSON.stringify(result));
    return JSON.parse(first.text) as RecordOutcomeResult;
  }

  async function shoot(name: string): Promise<void> {
    const { workbench, artifacts } = vscodeRig();
    await frame.evaluate(() => window.scrollTo(0, 0));
    await workbench.screenshot(name);
    await workbench.page.locator('.part.sidebar').screenshot({ path: path.join(artifacts, `${name}-sidebar.png`) });
  }

  after(async () => {
    await client?.close();
  });

  it('shows patterns by maturity, the anti-pattern and the router mix an outside agent reported, and follows new outcomes live', async () => {
    const { workbench, workspace, artifacts } = vscodeRig();
    await workbench.waitForStatusBarItem('Apiary: ready', 90_000);
    await workbench.runCommand('View: Close All Editors');
    await showOnlySection('Learning');
    frame = await sectionWebview('Learning', 'Apiary Learning');
    assert.match(await frameText(frame, '.summary', /outcomes? learned from/), /^0 outcomes learned from/);
    assert.match(await frameText(frame, '#patterns', /No patterns/), /No patterns reported yet/);

    const hostJson = JSON.parse(fs.readFileSync(path.join(workspace, '.apiary', 'host.json'), 'utf8')) as { mcp?: { url: string } };
    assert.ok(hostJson.mcp?.url, 'the host advertises its MCP endpoint');
    const token = fs.readFileSync(path.join(workspace, '.apiary', 'token'), 'utf8').trim();
    client = new Client({ name: 'learning-spec-agent', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(hostJson.mcp.url), { requestInit: { headers: { Authorization: `Bearer ${token}`, 'x-apiary-tools': 'full' } } }),
    );

    // Six clean bug fixes on the small tier (one pattern proven, one established, one new),
    // then three failed refactors on the medium tier that all followed the same bad pattern.
    for (let i = 0; i < 6; i++) {
      const patterns = [PROVEN, ...(i < 3 ? [ESTABLISHED] : []), ...(i === 0 ? [CANDIDATE] : [])];
      assert.equal((await record({ kind: 'bugfix', tier: 'small', success: true, patterns })).tier, 'small');
    }
    const lessons: string[] = [];
    for (let i = 0; i < 3; i++) lessons.push(...(await record({ kind: 'refactor', tier: 'medium', success: false, patterns: [AVOID] })).antiPatterns);
    assert.ok(lessons.some((l) => l.includes(AVOID)), `the host answered the new AVOID lesson: ${JSON.stringify(lessons)}`);

    // No reload: the view follows the host's change notifications.
    await frameText(frame, '.summary', /^9 outcomes learned from/);
    assert.match(await frameText(frame, '.maturity-proven', new RegExp(PROVEN)), /Proven \(1\)[\s\S]*6 seen · 100% helpful/);
    assert.match(await frameText(frame, '.maturity-established', new RegExp(ESTABLISHED)), /Established \(1\)[\s\S]*3 seen/);
    assert.match(await frameText(frame, '.maturity-candidate', new RegExp(CANDIDATE)), /Candidates \(1\)/);
    assert.doesNotMatch(await frameText(frame, '#patterns', /Proven/), new RegExp(AVOID), 'a deprecated pattern is not listed among the patterns');
    assert.match(await frameText(frame, '#anti-patterns li.anti', new RegExp(AVOID)), /100% failed of 3/);
    const mix = await frame.locator('#router .mix').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-kind')}: ${e.querySelector('svg')?.getAttribute('aria-label') ?? ''}`));
    assert.deepEqual(mix.sort(), ['bugfix: bugfix: small 6, medium 0, large 0', 'refactor: refactor: small 0, medium 3, large 0'].sort());
    assert.equal(await frame.locator('#router .reward-chart circle.tier-small').count(), 1, 'one day of small-tier reward');

    await record({ kind: 'docs', tier: 'large', success: true, patterns: [CANDIDATE] });
    await frameText(frame, '.summary', /^10 outcomes learned from/);
    await frameText(frame, '#router .mix[data-kind="docs"]', /docs\s+1 task/);

    await setTheme('Default Dark Modern', '.vs-dark');
    await shoot('learning-view-dark');
    await setTheme('Default Light Modern', '.vs:not(.vs-dark)');
    await shoot('learning-view-light');
    await setTheme('Default Dark Modern', '.vs-dark');
    for (const name of ['learning-view-dark', 'learning-view-light']) assert.ok(fs.existsSync(path.join(artifacts, `${name}-sidebar.png`)));
  });

  it('catches up with an outcome recorded while its section was collapsed, once it is expanded again', async () => {
    const { workbench } = vscodeRig();
    const header = workbench.view('Learning').locator('.pane-header');
    await header.click({ position: { x: 8, y: 10 } });
    await workbench.page.locator('.part.sidebar .pane-header[aria-expanded="false"]', { hasText: /learning/i }).waitFor({ state: 'attached', timeout: 10_000 });
    await record({ kind: 'docs', tier: 'small', success: true, patterns: [ESTABLISHED] });
    await workbench.page.waitForTimeout(1000);
    await showOnlySection('Learning');
    frame = await sectionWebview('Learning', 'Apiary Learning');
    await frameText(frame, '.summary', /^11 outcomes learned from/);
    assert.match(await frameText(frame, '#router .mix[data-kind="docs"]', /2 tasks/), /docs\s+2 tasks/);
  });

  it('"Apiary: Remember…" stores what the human types, with tags; the CLI finds it by a paraphrase', async () => {
    const { workbench, workspace } = vscodeRig();
    await workbench.runCommand('Apiary: Remember…');
    const input = workbench.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    await input.fill('ok');
    await workbench.page.locator('.quick-input-widget .quick-input-message', { hasText: /at least a few words/ }).waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(FACT);
    await input.press('Enter');
    await workbench.page.locator('.quick-input-widget .quick-input-title', { hasText: /tags/ }).waitFor({ state: 'visible', timeout: 15_000 });
    await input.fill('testing, CI');
    await input.press('Enter');
    await workbench.waitForNotification(/^Remembered: Run the integration tests/);

    const found = lastJson<MemoryFindResult>(await apiary(['memory', 'find', 'how do I run the tests', '--workspace', workspace, '--json']));
    const hit = found.hits.find((h) => h.memory.text === FACT);
    assert.ok(hit, `memory find returned ${JSON.stringify(found.hits.map((h) => h.memory.text))}`);
    assert.deepEqual([...hit.memory.tags].sort(), ['ci', 'testing']);
    assert.equal(found.hits[0]?.memory.text, FACT, 'the stored memory ranks first');
  });

  it('"Apiary: Search Memory…" finds the memory as the human types and copies it', async () => {
    const { workbench } = vscodeRig();
    await workbench.runCommand('Notifications: Clear All Notifications');
    await workbench.runCommand('Apiary: Search Memory…');
    const input = workbench.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    await input.pressSequentially('integration testing without network', { delay: 20 });
    const row = workbench.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: FACT }).first();
    await row.waitFor({ state: 'visible', timeout: 15_000 });
    assert.match(await row.innerText(), /ci, testing|testing, ci/);
    await workbench.screenshot('memory-search');
    await row.click();
    const toast = workbench.page.locator('.notifications-toasts .notification-toast', { hasText: FACT }).first();
    await toast.waitFor({ state: 'visible', timeout: 15_000 });
    await workbench.page.evaluate(() => navigator.clipboard.writeText(''));
    await toast.locator('.monaco-button', { hasText: /^Copy$/ }).click();
    await workbench.until('the memory on the clipboard', () => workbench.page.evaluate(() => navigator.clipboard.readText()), (t) => t === FACT, 10_000);
  });
});
