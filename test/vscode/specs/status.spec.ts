import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { FRAME_HEADER_SIZE, SEGMENT_HEADER_SIZE } from '../../../server/store/framing';
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

/** A screenshot of the verify command's answer, once the progress toast has given way to it. */
async function screenshotAnswer(name: string): Promise<void> {
  const { workbench } = vscodeRig();
  await workbench.waitForText(async () => ((await workbench.notifications()).some((n) => /verifying/.test(n)) ? 'busy' : 'settled'), /^settled$/);
  await new Promise((resolve) => setTimeout(resolve, 500));
  await workbench.screenshot(name);
}

describe('VS Code: the event log\u2019s audit is one command away', () => {
  it('"Apiary: Verify Event Log" says the log is intact, with as many events as the host holds', async () => {
    const { workbench } = vscodeRig();
    const entry = await workbench.waitForStatusBarItem('Apiary: ready', 90_000);
    const position = Number(/store position (\d+)/.exec(entry.label)?.[1]);
    await workbench.runCommand('Apiary: Verify Event Log');
    const text = await workbench.waitForNotification(/^Apiary: the event log is intact/);
    const events = Number(/intact \(([\d,]+) events?\)/.exec(text)?.[1]?.replace(/,/g, ''));
    assert.ok(events >= position, `verified ${events} events; the bar showed position ${position}`);
    await workbench.waitForText(() => workbench.outputText('Apiary'), /Event log verified: [\d,]+ events? in [\d,]+ records? across \d+ segments?; head hash [0-9a-f]{64}\./);
    await screenshotAnswer('verify-log');
  });

  it('says where the log was altered after the fact, and is satisfied again once the record is restored', async () => {
    const { workbench, workspace } = vscodeRig();
    await workbench.waitForStatusBarItem('Apiary: ready', 90_000);
    await workbench.runCommand('Notifications: Clear All Notifications');
    // Someone edits the first record on disk and fixes up its checksum: only the hash chain tells.
    const logDir = path.join(workspace, '.apiary', 'log');
    const segment = path.join(logDir, fs.readdirSync(logDir).filter((n) => n.endsWith('.seg')).sort()[0]!);
    const frame = SEGMENT_HEADER_SIZE;
    const original = fs.readFileSync(segment);
    const length = original.readUInt32LE(frame + 4);
    const altered = Buffer.from(original.subarray(frame, frame + FRAME_HEADER_SIZE + length));
    const at = altered.indexOf('"actor":"') + 9;
    altered[at] = altered[at] === 0x58 ? 0x59 : 0x58; // another first letter of the actor
    altered.writeUInt32LE(crc32(altered.subarray(12)), 8);
    const fd = fs.openSync(segment, 'r+');
    try {
      fs.writeSync(fd, altered, 0, altered.length, frame);
      await workbench.runCommand('Apiary: Verify Event Log');
      const text = await workbench.waitForNotification(/^Apiary: the event log does not verify/);
      assert.match(text, /at position 1: hash chain broken: the record was altered/);
      await workbench.waitForText(() => workbench.outputText('Apiary'), /Event log damaged at position 1 \(\d{20}\.seg, byte 64\): hash chain broken/);
      await screenshotAnswer('verify-log-damaged');
    } finally {
      fs.writeSync(fd, original, frame, altered.length, frame);
      fs.closeSync(fd);
    }
    await workbench.runCommand('Notifications: Clear All Notifications');
    await workbench.runCommand('Apiary: Verify Event Log');
    await workbench.waitForNotification(/^Apiary: the event log is intact/);
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
