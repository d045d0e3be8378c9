import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Frame } from 'playwright-core';
import type { LlmAskResult } from '../../../shared/llm';
import { usd } from '../../../webview/cost/model';
import { reply, startMessagesApi, type MessagesApi } from '../../support/messagesApi';
import { apiary } from '../support/cli';
import { vscodeRig } from '../support/session';
import { setUserSettings } from '../support/settings';
import { frameText as waitForText, sectionWebview, showOnlySection } from '../support/webview';

const KEY = 'sk-ant-api03-vscode-spec-Jf4Kd9Ls2Qw7Ex1Zr5Tb8Ny3Um6';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : e.isFile() ? [path.join(dir, e.name)] : []));
}

/** The whole window and the side bar alone, with the panel scrolled to its top, as it opens. */
async function shoot(name: string, frame: Frame): Promise<string> {
  const { workbench, artifacts } = vscodeRig();
  await frame.evaluate(() => window.scrollTo(0, 0));
  const file = await workbench.screenshot(name);
  await workbench.page.locator('.part.sidebar').screenshot({ path: path.join(artifacts, `${name}-sidebar.png`), scale: 'device' });
  return file;
}

describe('VS Code: the cost panel', () => {
  let api: MessagesApi;

  before(async () => {
    api = await startMessagesApi();
    // The scripted answer reports a long prompt: count it the same, so the reservation covers the call.
    api.onCountTokens(() => 60_000);
    api.onMessage(() =>
      reply.text('The hive is healthy.', {
        usage: { input_tokens: 42_000, output_tokens: 3_500, cache_creation_input_tokens: 0, cache_read_input_tokens: 18_000 },
      }),
    );
  });
  after(async () => {
    await api?.close();
  });

  it('"Apiary: Set Anthropic API Key" stores a key the agent host then uses for model calls', async () => {
    const { workbench } = vscodeRig();
    await workbench.waitForStatusBarItem('Apiary: ready', 90_000);
    await setUserSettings({ 'apiary.llm.baseUrl': api.url });
    await workbench.runCommand('Apiary: Set Anthropic API Key');
    const input = workbench.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    assert.equal(await input.getAttribute('type'), 'password', 'the key is typed into a password box');
    await input.fill(KEY);
    await input.press('Enter');
    await workbench.waitForNotification(/Anthropic API key saved/);
    await workbench.waitForText(() => workbench.outputText('Apiary'), /Model calls: API key from VS Code; endpoint http:\/\/127\.0\.0\.1:\d+/);
  });

  // The Cost section shares the side bar with seven others, and the Learning view's page has the
  // same layout: find the panel by its page title, and give it the room a person reading it would.
  it('shows the spend of a scripted call and a budget gauge, updating live, in light and dark themes', async () => {
    const { workbench, workspace, artifacts } = vscodeRig();
    await workbench.waitForStatusBarItem('Apiary: ready', 90_000);
    await setUserSettings({ 'workbench.colorTheme': 'Default Dark Modern' });
    await workbench.runCommand('View: Close All Editors');
    await workbench.openViewContainer('Apiary');
    await showOnlySection('Cost');
    const frame = await sectionWebview('Cost', 'Apiary Cost');

    const budget = await apiary(['cost', 'budget', '--day', '5', '--month', '60', '--workspace', workspace, '--json']);
    assert.equal(budget.code, 0, budget.stderr + budget.stdout);
    await waitForText(frame, '.gauge[data-scope="day"] .gauge-used', /of \$5\.00$/);

    const sentBefore = api.messageRequests().length;
    const ask = await apiary(['llm', 'ask', 'How is the hive?', '--tier', 'large', '--workspace', workspace, '--agent', 'scripted-run', '--json']);
    assert.equal(ask.code, 0, ask.stderr + ask.stdout);
    const result = JSON.parse(ask.stdout.trim().split('\n').pop()!) as LlmAskResult;
    assert.equal(api.messageRequests().length, sentBefore + 1);
    const sent = api.messageRequests().at(-1)!;
    assert.equal(sent.headers.authorization ?? `Bearer ${sent.headers['x-api-key']}`, `Bearer ${KEY}`, "the call used the key set in VS Code");
    assert.ok(result.costMicros > 0);

    // The panel was already open: the host's cost/changed notification brings the new figures.
    const spent = usd(result.costMicros);
    assert.equal(await waitForText(frame, '#spend-today .stat-value', new RegExp(`^\\${spent}$`)), spent);
    assert.equal(await waitForText(frame, '.gauge[data-scope="day"] .gauge-used', /of \$5\.00$/), `${spent} of $5.00`);
    await waitForText(frame, '.gauge[data-scope="month"] .gauge-used', /of \$60\.00$/);
    await waitForText(frame, '#cache-hit-rate', /%$/);
    const byModel = await waitForText(frame, 'details.breakdown', new RegExp(result.model));
    assert.match(byModel, new RegExp(`\\${spent}`));

    // Two more agents on cheaper tiers: the panel adds them up and shows what routing saved.
    let total = result.costMicros;
    for (const [tier, agent] of [['small', 'worker-1'], ['medium', 'worker-2']] as const) {
      const more = await apiary(['llm', 'ask', `Triage as ${agent}`, '--tier', tier, '--workspace', workspace, '--agent', agent, '--json']);
      assert.equal(more.code, 0, more.stderr + more.stdout);
      total += (JSON.parse(more.stdout.trim().split('\n').pop()!) as LlmAskResult).costMicros;
    }
    await waitForText(frame, '#spend-today .stat-value', new RegExp(`^\\${usd(total)}$`));
    await waitForText(frame, '.saving', /saved by routing/);
    await frame.locator('details.breakdown summary', { hasText: 'By agent' }).click();
    assert.match(await waitForText(frame, 'details.breakdown[open] >> nth=1', /worker-2/), /scripted-run[\s\S]*worker-1|worker-1[\s\S]*scripted-run/);

    await workbench.runCommand('Notifications: Clear All Notifications');
    await workbench.runCommand('View: Hide Panel');
    await workbench.page.waitForTimeout(500);
    const dark = await shoot('cost-panel-dark', frame);
    await setUserSettings({ 'workbench.colorTheme': 'Default Light Modern' });
    await workbench.page.locator('.monaco-workbench.vs:not(.vs-dark)').waitFor({ state: 'attached', timeout: 15_000 });
    await workbench.page.waitForTimeout(1000);
    const light = await shoot('cost-panel-light', frame);
    await setUserSettings({ 'workbench.colorTheme': 'Default High Contrast' });
    await workbench.page.locator('.monaco-workbench.hc-black').waitFor({ state: 'attached', timeout: 15_000 });
    await workbench.page.waitForTimeout(1000);
    const hc = await shoot('cost-panel-high-contrast', frame);
    await setUserSettings({ 'workbench.colorTheme': 'Default Dark Modern' });
    for (const f of [dark, light, hc]) assert.ok(existsSync(f) && f.startsWith(artifacts));
  });

  it('never writes the key into the workspace: not the log, snapshots, host.json or host.log', () => {
    const { workspace } = vscodeRig();
    const files = filesUnder(path.join(workspace, '.apiary'));
    assert.ok(files.some((f) => f.endsWith('host.log')), 'the host started by VS Code logs to .apiary/host.log');
    for (const f of files) assert.ok(!readFileSync(f).includes(KEY), `${f} holds the API key`);
  });
});
