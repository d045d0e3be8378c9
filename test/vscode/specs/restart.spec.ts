import assert from 'node:assert/strict';
import { vscodeRig } from '../support/session';
import { isAlive, readHostJson, waitFor } from '../support/host';

describe('VS Code: the extension keeps its agent host connection alive', () => {
  it('"Apiary: Restart Agent Host" reconnects and the status bar returns to ready', async () => {
    const { workbench } = vscodeRig();
    await workbench.waitForStatusBarItem('Apiary: ready', 90_000);
    const connected = (text: string) => (text.match(/Connected to the agent host/g) ?? []).length;
    const before = connected(await workbench.outputText('Apiary'));
    await workbench.runCommand('Apiary: Restart Agent Host');
    await workbench.waitForText(
      async () => {
        const text = await workbench.outputText('Apiary');
        return connected(text) > before && /Restart requested/.test(text) ? 'reconnected' : 'waiting';
      },
      /reconnected/,
      60_000,
    );
    await workbench.waitForStatusBarItem('Apiary: ready');
  });

  it('when the agent host is killed, a new host is started and the status bar shows its pid', async () => {
    const { workbench, workspace } = vscodeRig();
    await workbench.waitForStatusBarItem('Apiary: ready', 90_000);
    const old = await waitFor('.apiary/host.json', () => readHostJson(workspace));
    process.kill(old.pid, 'SIGKILL');
    const fresh = await waitFor(
      'a new host',
      () => {
        const h = readHostJson(workspace);
        return h && h.pid !== old.pid && isAlive(h.pid) ? h : undefined;
      },
      60_000,
    );
    const entry = await workbench.waitForStatusBarItem(`Apiary: ready, host pid ${fresh.pid},`, 60_000);
    assert.match(entry.label, new RegExp(`host pid ${fresh.pid}`));
    await workbench.screenshot('after-host-restart');
  });
});
