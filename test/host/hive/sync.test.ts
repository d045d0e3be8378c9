// Two clones of one repository, each with its own running host, sharing the hive through a bare
// remote served over loopback HTTP: `apiary hive sync` commits `.hive/`, pulls (merging the hive
// file three ways), pushes, and the host imports what the pull brought in.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import git from 'isomorphic-git';
import http from 'isomorphic-git/http/node';
import { HiveCommentRequest, HiveCreateRequest, HiveShowRequest, HiveUpdateRequest, type HiveSyncResult } from '../../../shared/hive';
import { exportHiveJsonl } from '../../../server/hive/queries';
import { cleanUp, ensureCliBuilt, jsonOf, runCli, type Client } from '../../support/host';
import { git as gitCli, startGitHttpServer, type GitHttpServer } from '../../support/gitHttpServer';
import { eventually, type HiveHost, startHiveHost } from './helpers';

describe('hive sync between two clones (CLI, real hosts, loopback remote)', function () {
  this.timeout(120_000);
  let root: string;
  let server: GitHttpServer;
  const hosts: HiveHost[] = [];

  before(async () => {
    ensureCliBuilt();
    assert.match(gitCli(os.tmpdir(), '--version'), /^git version/, 'the remote needs the git binary');
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'apiary-hive-sync-'));
    fs.mkdirSync(path.join(root, 'remotes'));
    server = await startGitHttpServer(path.join(root, 'remotes'));
  });
  afterEach(async () => {
    for (const h of hosts.splice(0)) await h.stop();
    await cleanUp();
  });
  after(async () => {
    await server.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  const sync = async (dir: string): Promise<HiveSyncResult> => {
    const r = await runCli(['hive', 'sync', '--json', '--workspace', dir], { timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    return jsonOf<HiveSyncResult>(r);
  };

  async function host(dir: string): Promise<{ h: HiveHost; c: Client }> {
    const h = await startHiveHost({ workspace: dir });
    hosts.push(h);
    return { h, c: await h.client('tester') };
  }

  it('merges both sides\' edits, field by field, and both clones end with the same hive', async () => {
    server.createBare('team.git');
    const url = server.url('team.git');
    const dirA = path.join(root, 'a');
    fs.mkdirSync(dirA);
    await git.init({ fs, dir: dirA, defaultBranch: 'main' });
    await git.addRemote({ fs, dir: dirA, remote: 'origin', url });
    await git.setConfig({ fs, dir: dirA, path: 'user.name', value: 'Ada' });
    await git.setConfig({ fs, dir: dirA, path: 'user.email', value: 'ada@example.com' });

    const { h: hostA, c: a } = await host(dirA);
    const x = (await a.conn.sendRequest(HiveCreateRequest, { title: 'shared x' })).cell.id;
    const y = (await a.conn.sendRequest(HiveCreateRequest, { title: 'shared y' })).cell.id;
    const first = await sync(dirA);
    assert.ok(first.committed);
    assert.equal(first.remote, 'origin');
    assert.equal(first.pushed, true);
    assert.match(gitCli(path.join(root, 'remotes', 'team.git'), 'show', 'main:.hive/issues.jsonl'), /shared y/);

    const dirB = path.join(root, 'b');
    // Not the git binary: a synchronous child would block this process, which serves the remote.
    await git.clone({ fs, http, dir: dirB, url, ref: 'main', singleBranch: true });
    const { h: hostB, c: b } = await host(dirB);
    // B's host imported the cloned file on its first start.
    assert.equal((await b.conn.sendRequest(HiveShowRequest, { id: x })).cell.title, 'shared x');

    // Both sides edit, including different fields of the same cell.
    await a.conn.sendRequest(HiveUpdateRequest, { id: x, title: 'shared x, retitled on a' });
    const z = (await a.conn.sendRequest(HiveCreateRequest, { title: 'new on a' })).cell.id;
    await b.conn.sendRequest(HiveUpdateRequest, { id: x, priority: 0 });
    await b.conn.sendRequest(HiveCommentRequest, { id: y, text: 'looked at it on b' });
    const w = (await b.conn.sendRequest(HiveCreateRequest, { title: 'new on b' })).cell.id;

    const fromA = await sync(dirA);
    assert.equal(fromA.pushed, true);
    const fromB = await sync(dirB);
    assert.equal(fromB.pulled, 'merge');
    assert.equal(fromB.pushed, true);
    assert.equal(fromB.hiveFileChanged, true);
    const fromA2 = await sync(dirA);
    assert.equal(fromA2.pulled, 'fast-forward');

    for (const c of [a, b]) {
      const shownX = (await c.conn.sendRequest(HiveShowRequest, { id: x })).cell;
      assert.equal(shownX.title, 'shared x, retitled on a');
      assert.equal(shownX.priority, 0);
      assert.deepEqual((await c.conn.sendRequest(HiveShowRequest, { id: y })).cell.comments.map((m) => m.text), ['looked at it on b']);
      assert.equal((await c.conn.sendRequest(HiveShowRequest, { id: z })).cell.title, 'new on a');
      assert.equal((await c.conn.sendRequest(HiveShowRequest, { id: w })).cell.title, 'new on b');
    }
    // Same hive on both sides, and the same file, committed: the clones have converged.
    await eventually('both hosts to agree', async () => exportHiveJsonl(hostA.host.store.db) === exportHiveJsonl(hostB.host.store.db) || undefined);
    const fileA = fs.readFileSync(path.join(dirA, '.hive', 'issues.jsonl'), 'utf8');
    assert.equal(fileA, fs.readFileSync(path.join(dirB, '.hive', 'issues.jsonl'), 'utf8'));
    assert.equal(gitCli(dirA, 'rev-parse', 'HEAD'), gitCli(dirB, 'rev-parse', 'HEAD'));
    assert.equal(gitCli(dirB, 'status', '--porcelain', '.hive'), '', 'nothing of the hive left uncommitted');
    // The imports that brought the other side's changes are events like any other.
    assert.ok(hostB.events('hive.cell.imported').some((e) => (e.data as { cell: { id: string } }).cell.id === z));
  });

  it('refuses to sync a folder that is not a git repository, and changes nothing', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apiary-hive-nogit-'));
    const { h, c } = await host(dir);
    await c.conn.sendRequest(HiveCreateRequest, { title: 'local only' });
    const head = h.host.store.head;
    const r = await runCli(['hive', 'sync', '--json', '--workspace', dir]);
    assert.equal(r.code, 1);
    const { error } = jsonOf<{ error: { code: string; message: string; hint: string } }>(r);
    assert.equal(error.code, 'not_found');
    assert.match(error.message, /not a git repository/);
    assert.match(error.hint, /git init/);
    assert.equal(h.host.store.head, head);
    assert.equal(fs.existsSync(path.join(dir, '.git')), false);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
