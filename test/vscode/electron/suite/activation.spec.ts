import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { ApiaryApi } from '../../../../extension/extension';

async function until<T>(what: string, check: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('desktop VS Code: the extension activates and connects to its agent host', () => {
  let api: ApiaryApi;

  before(async () => {
    const ext = vscode.extensions.getExtension<ApiaryApi>('apiary.apiary');
    assert.ok(ext, 'the Apiary extension is not installed in this VS Code');
    api = await ext.activate();
  });

  it('reaches "ready" and the host it reports runs for this workspace', async () => {
    console.log(`      activation: ${api.activationMs} ms`);
    await until('host state ready', () => (api.hostState() === 'ready' ? true : undefined));
    const status = await api.status();
    const workspace = process.env.APIARY_ELECTRON_WORKSPACE ?? '';
    const hostJson = path.join(workspace, '.apiary', 'host.json');
    assert.ok(existsSync(hostJson), `${hostJson} is missing`);
    const { pid } = JSON.parse(readFileSync(hostJson, 'utf8')) as { pid: number };
    assert.equal(status.pid, pid);
    assert.doesNotThrow(() => process.kill(pid, 0), `host pid ${pid} is not running`);
    assert.ok(status.sessions.some((s) => s.kind === 'vscode-window'), 'this window is not among the host sessions');
  });

  it('"Apiary: Show Host Status" opens the report', async () => {
    await vscode.commands.executeCommand('apiary.showStatus');
    const editor = await until('the status document', () => vscode.window.activeTextEditor);
    assert.match(editor.document.getText(), /^# Apiary agent host/);
    assert.match(editor.document.getText(), /\*\*Connection:\*\* ready/);
  });

  it('"Apiary: Restart Agent Host" reconnects', async () => {
    await vscode.commands.executeCommand('apiary.restartHost');
    await until('host state ready again', () => (api.hostState() === 'ready' ? true : undefined));
    assert.equal((await api.status()).workspace, process.env.APIARY_ELECTRON_WORKSPACE);
  });
});
