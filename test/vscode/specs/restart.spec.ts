import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { apiary } from '../support/cli';
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

  it('while the host it waits for replays a large log, the status bar shows how far it has come', async () => {
    const { workbench, workspace } = vscodeRig();
    await workbench.waitForStatusBarItem('Apiary: ready', 90_000);
    const old = await waitFor('.apiary/host.json', () => readHostJson(workspace));
    const dir = path.join(workspace, '.apiary');
    // A stand-in for a host busy replaying a big log: it holds the workspace's lock (so the host
    // the window starts next finds it taken) and writes the progress file as a replaying host does.
    const busy = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e9)'], { stdio: 'ignore' });
    let events = 0;
    const report = (): void => {
      events += 20_000;
      writeFileSync(path.join(dir, 'host.starting.json'), JSON.stringify({ pid: busy.pid, phase: 'replaying', events, fraction: Math.min(0.99, events / 1_000_000), at: Date.now() }));
    };
    writeFileSync(path.join(dir, 'host.lock'), JSON.stringify({ pid: busy.pid, startedAt: new Date().toISOString() }));
    report();
    const timer = setInterval(report, 200);
    try {
      process.kill(old.pid, 'SIGKILL');
      const deadline = Date.now() + 60_000;
      let label = '';
      while (!/replaying the log \d+%/.test(label)) {
        if (Date.now() > deadline) throw new Error(`the status bar never showed the replay (last label: ${label})`);
        await new Promise((r) => setTimeout(r, 250));
        label = (await workbench.readStatusBarItem('Apiary:'))?.label ?? '';
      }
      assert.match(label, /^Apiary: restarting \(attempt \d+\), replaying the log \d+%$/);
      const entry = await workbench.readStatusBarItem('Apiary:');
      assert.match(entry?.text ?? '', /Apiary \d+%/);
      const tooltip = await workbench.statusBarTooltip('Apiary:', 'host-replaying');
      assert.match(tooltip, /Replaying the log\s+\d+% \([\d,]+ events\)/);
    } finally {
      clearInterval(timer);
      busy.kill('SIGKILL');
      rmSync(path.join(dir, 'host.starting.json'), { force: true });
      rmSync(path.join(dir, 'host.lock'), { force: true });
    }
    // The stand-in is gone: any client now starts a real host, and the window attaches to it.
    await apiary(['status', '--workspace', workspace]);
    await apiary(['hive', 'ready', '--workspace', workspace, '--json']);
    await workbench.waitForStatusBarItem('Apiary: ready', 90_000);
  });
});
