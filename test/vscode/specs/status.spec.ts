import assert from 'node:assert/strict';
import { vscodeRig } from '../support/session';
import { readHostJson, waitFor } from '../support/host';

describe('VS Code: the host status is one click away', () => {
  it('hovering the status bar item shows the host pid, workspace, store position and uptime', async () => {
    const { workbench, workspace } = vscodeRig();
    await workbench.waitForStatusBarItem('Apiary: ready', 90_000);
    const host = await waitFor('.apiary/host.json', () => readHostJson(workspace));
    const tooltip = await workbench.waitForText(() => workbench.statusBarTooltip('Apiary: ready'), /Host pid/);
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
