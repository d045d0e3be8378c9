import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runTool, type ToolHost } from '../../../server/swarm/workerTools';
import { WorkspaceFs } from '../../../server/swarm/workspaceFs';

function setup(): { dir: string; outside: string; host: ToolHost } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apiary-wsfs-'));
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'apiary-outside-'));
  fs.writeFileSync(path.join(dir, 'mine.txt'), 'hello world\n');
  fs.writeFileSync(path.join(dir, 'theirs.txt'), 'keep\n');
  fs.writeFileSync(path.join(outside, 'secret.txt'), 'secret\n');
  fs.symlinkSync(outside, path.join(dir, 'escape'));
  fs.mkdirSync(path.join(dir, '.git'));
  const host: ToolHost = {
    fs: new WorkspaceFs(dir, () => new Set(['mine.txt', 'new/file.txt', 'escape/secret.txt'])),
    touched: new Set(),
    verify: async () => null,
    send: async () => 'sent',
    ask: async () => 'answer',
  };
  return { dir, outside, host };
}

describe('Worker file tools stay inside the workspace', () => {
  it('refuses traversal and absolute paths with a reason the model can act on', async () => {
    const { host } = setup();
    const up = await runTool('read_file', { path: '../etc/passwd' }, host);
    assert.equal(up.ok, false);
    assert.match(up.text, /stay inside the workspace/);
    const abs = await runTool('read_file', { path: '/etc/passwd' }, host);
    assert.equal(abs.ok, false);
    assert.match(abs.text, /relative to the workspace root/);
  });

  it('refuses a symlink that leads outside, for reads and for writes to a reserved path', async () => {
    const { host, outside } = setup();
    const r = await runTool('read_file', { path: 'escape/secret.txt' }, host);
    assert.equal(r.ok, false);
    assert.match(r.text, /outside the workspace through a symbolic link/);
    const w = await runTool('write_file', { path: 'escape/secret.txt', content: 'pwned' }, host);
    assert.equal(w.ok, false);
    assert.equal(fs.readFileSync(path.join(outside, 'secret.txt'), 'utf8'), 'secret\n');
  });

  it('writes only reserved files and names them in the refusal', async () => {
    const { host, dir } = setup();
    const w = await runTool('write_file', { path: 'theirs.txt', content: 'changed' }, host);
    assert.equal(w.ok, false);
    assert.match(w.text, /not reserved for you \(your files: escape\/secret.txt, mine.txt, new\/file.txt\)/);
    assert.equal(fs.readFileSync(path.join(dir, 'theirs.txt'), 'utf8'), 'keep\n');
    const ok = await runTool('write_file', { path: 'new/file.txt', content: 'made' }, host);
    assert.equal(ok.ok, true);
    assert.equal(fs.readFileSync(path.join(dir, 'new/file.txt'), 'utf8'), 'made');
    assert.deepEqual([...host.touched], ['new/file.txt']);
  });

  it('edits by exact, unique replacement', async () => {
    const { host, dir } = setup();
    assert.match((await runTool('edit_file', { path: 'mine.txt', old_text: 'nope', new_text: 'x' }, host)).text, /not found/);
    assert.equal((await runTool('edit_file', { path: 'mine.txt', old_text: 'world', new_text: 'swarm' }, host)).ok, true);
    assert.equal(fs.readFileSync(path.join(dir, 'mine.txt'), 'utf8'), 'hello swarm\n');
  });

  it('lists and searches without .git, and refuses .git paths', async () => {
    const { host } = setup();
    const list = await runTool('list_files', {}, host);
    assert.deepEqual(list.text.split('\n'), ['escape', 'mine.txt', 'theirs.txt']);
    assert.match((await runTool('search_text', { query: 'hello' }, host)).text, /^mine.txt:1: hello world/);
    assert.equal((await runTool('read_file', { path: '.git/config' }, host)).ok, false);
  });
});
