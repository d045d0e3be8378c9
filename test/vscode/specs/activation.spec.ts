import assert from 'node:assert/strict';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { vscodeRig } from '../support/session';
import { isAlive, readHostJson, waitFor } from '../support/host';

describe('VS Code: the extension activates and connects to its agent host', () => {
  it('shows the Apiary status bar item, which reaches "ready"', async () => {
    const { workbench } = vscodeRig();
    const entry = await workbench.waitForStatusBarItem('Apiary: ready', 90_000);
    assert.match(entry.text, /Apiary/);
    assert.match(entry.label, /^Apiary: ready, host pid \d+, store position \d+$/);
  });

  it('runs the agent host for the workspace: host.json names a live pid, the same the status bar shows', async () => {
    const { workbench, workspace } = vscodeRig();
    const host = await waitFor('.apiary/host.json', () => readHostJson(workspace));
    assert.ok(isAlive(host.pid), `host pid ${host.pid} is not running`);
    const entry = await workbench.waitForStatusBarItem('Apiary: ready');
    assert.equal(Number(/host pid (\d+)/.exec(entry.label)?.[1]), host.pid);
  });

  it('logs its activation time to the Apiary output channel, and activation stays light', async () => {
    const { workbench, artifacts } = vscodeRig();
    await workbench.runCommand('Apiary: Show Host Log');
    const m = await workbench.waitForText(() => workbench.outputText('Apiary'), /Apiary activated in ([\d.]+) ms/);
    const activationMs = Number(m[1]);
    console.log(`      activation: ${activationMs} ms (activate() itself; the host connects afterwards)`);
    writeFileSync(path.join(artifacts, 'activation.json'), JSON.stringify({ activationMs }, null, 2));
    assert.ok(activationMs < 500, `activate() took ${activationMs} ms; it must not wait for the host`);
  });

  it('forwards the host\'s own log lines to the Apiary output channel (the rig sets apiary.host.logLevel to debug)', async () => {
    const { workbench } = vscodeRig();
    await workbench.waitForStatusBarItem('Apiary: ready');
    await workbench.waitForText(() => workbench.outputText('Apiary'), /\[host debug\] session VS Code \(vscode-window\) attached/);
  });

  it('saves a screenshot of the workbench with the ready status bar item', async () => {
    const { workbench } = vscodeRig();
    await workbench.waitForStatusBarItem('Apiary: ready');
    const file = await workbench.screenshot('activation-ready');
    assert.ok(existsSync(file) && statSync(file).size > 10_000, `screenshot ${file} is missing or empty`);
  });
});
