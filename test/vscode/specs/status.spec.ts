import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { vscodeRig } from '../support/session';
import { readHostJson, repoRoot, waitFor } from '../support/host';

describe('VS Code: the host status is one click away', () => {
  it('hovering the status bar item shows the host pid, workspace, store position and uptime', async () => {
    const { workbench, workspace } = vscodeRig();
    await workbench.waitForStatusBarItem('Apiary: ready', 90_000);
    const host = await waitFor('.apiary/host.json', () => readHostJson(workspace));
    const tooltip = await workbench.waitForText(() => workbench.statusBarTooltip('Apiary: ready', 'status-bar-tooltip'), /Host pid/);
    const text = tooltip.input;
    assert.match(text, /Apiary agent host: ready/);
    assert.match(text, new RegExp(`Host pid\\s+${host.pid}`));
    assert.match(text, /Store position\s+\d+/);
    assert.match(text, /Uptime\s+\d+ (s|min)/);
    assert.ok(text.includes(workspace), `tooltip does not name the workspace ${workspace}:\n${text}`);
  });

  it('"Apiary: Show Host Status" opens a read-only report with the live pid and this window among the clients', async () => {
    const { workbench, workspace } = vscodeRig();
    await workbench.waitForStatusBarItem('Apiary: ready', 90_000);
    const host = await waitFor('.apiary/host.json', () => readHostJson(workspace));
    await workbench.runCommand('Apiary: Show Host Status');
    await workbench.waitForText(() => workbench.activeEditorTitle(), /^Apiary Host Status\.md$/);
    const m = await workbench.waitForText(() => workbench.activeEditorText(), /\*\*Connection:\*\* ready[\s\S]*\| Pid \| (\d+) \|/);
    assert.equal(Number(m[1]), host.pid);
    assert.match(m.input, /\| VS Code \| vscode-window \|/);
    assert.match(m.input, /activated in [\d.]+ ms/);
    await workbench.screenshot('status-document');
  });

  it('clicking the status bar item shows the same report', async () => {
    const { workbench } = vscodeRig();
    await workbench.runCommand('View: Close All Editors');
    await workbench.statusBarItem('Apiary: ready').click();
    await workbench.waitForText(() => workbench.activeEditorTitle(), /^Apiary Host Status\.md$/);
    await workbench.waitForText(() => workbench.activeEditorText(), /# Apiary agent host/);
  });
});

describe('VS Code: the window follows the host\'s store as events commit', () => {
  it('an event appended by another client (the CLI) moves the store position the status bar shows', async () => {
    const { workbench, workspace } = vscodeRig();
    const before = await workbench.waitForStatusBarItem('Apiary: ready', 90_000);
    const position = Number(/store position (\d+)/.exec(before.label)?.[1]);
    const cli = path.join(repoRoot, 'dist', 'cli.js');
    const out = execFileSync(process.execPath, [cli, 'events', 'append', '--workspace', workspace, '--stream', 'vscode-spec', '--type', 'spec.pinged', '--data', '{"n":1}', '--json'], {
      encoding: 'utf8',
    });
    const appended = JSON.parse(out) as { positions: number[] };
    const at = appended.positions[appended.positions.length - 1];
    assert.ok(at > position, `appended at ${at}, the bar showed ${position}`);
    const after = await workbench.waitForStatusBarItem(`Apiary: ready, host pid`, 10_000);
    await workbench.waitForText(async () => (await workbench.readStatusBarItem('Apiary: ready'))?.label ?? '', new RegExp(`store position ${at}$`), 15_000);
    assert.match(after.label, /^Apiary: ready/);
  });
});
