import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import git from 'isomorphic-git';
import http from 'isomorphic-git/http/node';
import { parseJsonl } from '../../../server/hive/core/jsonl';
import { mergeHive } from '../../../server/hive/core/merge';
import { installMergeDriver } from '../../../server/hive/git/attributes';
import { HIVE_FILE, HIVE_GITATTRIBUTES_LINE, mergeDriver } from '../../../server/hive/git/mergeDriver';
import { syncHive } from '../../../server/hive/git/sync';
import { exportHiveJsonl } from '../../../server/hive/queries';
import { git as gitCli, startGitHttpServer, type GitHttpServer } from '../../support/gitHttpServer';
import { TestHive } from './harness';

/** A clone with its own host: the hive writes the file, sync runs, changes underneath are imported. */
class Clone {
  written = '';
  constructor(
    readonly dir: string,
    readonly hive: TestHive,
  ) {}

  file(): string {
    const p = path.join(this.dir, HIVE_FILE);
    return fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : '';
  }

  write(): void {
    fs.mkdirSync(path.join(this.dir, '.hive'), { recursive: true });
    this.written = exportHiveJsonl(this.hive.db, this.file());
    fs.writeFileSync(path.join(this.dir, HIVE_FILE), this.written);
  }

  /** What the host does when the file changed underneath: merge against what it last wrote. */
  importFile(): void {
    const now = this.file();
    const merged = mergeHive(this.written, exportHiveJsonl(this.hive.db), now, { now: this.hive.now });
    this.hive.append(merged.events, 'sync');
    this.written = now;
  }

  async sync() {
    const result = await syncHive({ dir: this.dir, author: { name: 'Test', email: 'test@example.com' } });
    if (result.hiveFileChanged) this.importFile();
    return result;
  }
}

const title = (c: Clone, id: string) => c.hive.cell(id).title;

describe('hive git sync', function () {
  this.timeout(60_000);
  let root: string;
  let server: GitHttpServer;

  before(async () => {
    assert.match(gitCli(os.tmpdir(), '--version'), /^git version/, 'these tests need the git binary for the remote');
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'apiary-hive-git-'));
    fs.mkdirSync(path.join(root, 'remotes'));
    server = await startGitHttpServer(path.join(root, 'remotes'));
  });

  after(async () => {
    await server.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  async function newRepo(name: string): Promise<string> {
    const dir = path.join(root, name);
    fs.mkdirSync(dir);
    await git.init({ fs, dir, defaultBranch: 'main' });
    return dir;
  }

  it('commits .hive only, leaving other staged work staged', async () => {
    const dir = await newRepo('solo');
    const clone = new Clone(dir, await TestHive.create());
    clone.hive.create('first');
    clone.write();
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'work in progress');
    await git.add({ fs, dir, filepath: 'notes.txt' });

    const result = await clone.sync();
    assert.ok(result.committed);
    assert.equal(result.remote, null, 'no remote: commit only');
    const files = await git.listFiles({ fs, dir, ref: 'HEAD' });
    assert.deepEqual(files, [HIVE_FILE]);
    const [commit] = await git.log({ fs, dir, depth: 1 });
    assert.equal(commit!.commit.author.name, 'Test');
    const status = await git.statusMatrix({ fs, dir });
    assert.deepEqual(status.find(([f]) => f === 'notes.txt'), ['notes.txt', 0, 2, 2], 'notes.txt is still staged, not committed');
    assert.deepEqual(status.find(([f]) => f === HIVE_FILE), [HIVE_FILE, 1, 1, 1], 'the hive file is clean');

    const again = await clone.sync();
    assert.equal(again.committed, null, 'nothing new to commit');
  });

  it('uses the repository user, or Apiary, as the author', async () => {
    const dir = await newRepo('authors');
    const hive = await TestHive.create();
    const clone = new Clone(dir, hive);
    hive.create('a');
    clone.write();
    await syncHive({ dir });
    assert.equal((await git.log({ fs, dir, depth: 1 }))[0]!.commit.author.name, 'Apiary');
    await git.setConfig({ fs, dir, path: 'user.name', value: 'Dana' });
    await git.setConfig({ fs, dir, path: 'user.email', value: 'dana@example.com' });
    hive.create('b');
    clone.write();
    await syncHive({ dir });
    assert.equal((await git.log({ fs, dir, depth: 1 }))[0]!.commit.author.email, 'dana@example.com');
  });

  it('merges both clones’ edits through a bare remote: different cells, and the same cell field by field', async () => {
    server.createBare('team.git');
    const url = server.url('team.git');

    // Clone A starts the hive and publishes it.
    const a = new Clone(await newRepo('a'), await TestHive.create());
    await git.addRemote({ fs, dir: a.dir, remote: 'origin', url });
    const x = a.hive.create('x');
    const y = a.hive.create('y');
    const s = a.hive.create('shared');
    a.write();
    const first = await a.sync();
    assert.equal(first.pushed, true);
    assert.equal(first.pulled, 'none', 'the remote was empty');

    // Clone B joins: clones, and its host imports the file.
    const bDir = path.join(root, 'b');
    await git.clone({ fs, http, dir: bDir, url, ref: 'main', singleBranch: true });
    const b = new Clone(bDir, await TestHive.create());
    b.importFile();
    assert.equal(title(b, s), 'shared');

    // A: renames x, renames the shared cell late; pushes.
    a.hive.now += 10 * 60_000;
    a.hive.run('apiary/hive/update', { id: x, title: 'x from A' });
    a.hive.run('apiary/hive/update', { id: s, title: 'shared, A wins (later)' });
    a.write();
    assert.equal((await a.sync()).pushed, true);

    // B, meanwhile: renames y, renames the shared cell earlier, changes its priority; adds a cell.
    b.hive.now += 5 * 60_000;
    b.hive.run('apiary/hive/update', { id: y, title: 'y from B' });
    b.hive.run('apiary/hive/update', { id: s, title: 'shared, B loses (earlier)', priority: 0 });
    const z = b.hive.create('z from B');
    b.write();
    const bSync = await b.sync();
    assert.equal(bSync.pulled, 'merge', 'histories diverged: a merge commit');
    assert.equal(bSync.pushed, true);
    assert.deepEqual(bSync.problems, []);
    const [mergeCommit] = await git.log({ fs, dir: b.dir, depth: 1 });
    assert.equal(mergeCommit!.commit.parent.length, 2);

    // A pulls B's merge.
    const aSync = await a.sync();
    assert.equal(aSync.pulled, 'fast-forward');
    assert.equal(aSync.hiveFileChanged, true);

    for (const clone of [a, b]) {
      assert.equal(title(clone, x), 'x from A');
      assert.equal(title(clone, y), 'y from B');
      assert.equal(title(clone, s), 'shared, A wins (later)');
      assert.equal(clone.hive.cell(s).priority, 0);
      assert.equal(title(clone, z), 'z from B');
    }
    assert.equal(a.file(), b.file(), 'both work trees hold the same file');
    assert.equal(exportHiveJsonl(a.hive.db), exportHiveJsonl(b.hive.db), 'both hosts hold the same hive');
    assert.equal(gitCli(path.join(root, 'remotes', 'team.git'), 'rev-parse', 'main'), await git.resolveRef({ fs, dir: a.dir, ref: 'HEAD' }));

    // A brand-new repository pointed at the remote takes the team's hive on its first sync.
    const fresh = await newRepo('fresh');
    await git.addRemote({ fs, dir: fresh, remote: 'origin', url });
    const joined = await syncHive({ dir: fresh });
    assert.equal(joined.committed, null);
    assert.equal(joined.pulled, 'fast-forward');
    assert.equal(joined.hiveFileChanged, true);
    assert.equal(fs.readFileSync(path.join(fresh, HIVE_FILE), 'utf8'), a.file());
  });

  it('stops before merging when both clones changed another file, changing nothing; keeps unrelated local edits', async () => {
    server.createBare('code.git');
    const url = server.url('code.git');
    const a = new Clone(await newRepo('code-a'), await TestHive.create());
    await git.addRemote({ fs, dir: a.dir, remote: 'origin', url });
    const commitFile = async (dir: string, file: string, text: string) => {
      fs.writeFileSync(path.join(dir, file), text);
      await git.add({ fs, dir, filepath: file });
      await git.commit({ fs, dir, message: `edit ${file}`, author: { name: 'Test', email: 'test@example.com' } });
    };
    await commitFile(a.dir, 'README.md', 'hello\n');
    fs.writeFileSync(path.join(a.dir, 'scratch.txt'), 'base\n');
    await git.add({ fs, dir: a.dir, filepath: 'scratch.txt' });
    await git.commit({ fs, dir: a.dir, message: 'scratch', author: { name: 'Test', email: 'test@example.com' } });
    const cell = a.hive.create('first');
    a.write();
    await a.sync();

    const bDir = path.join(root, 'code-b');
    await git.clone({ fs, http, dir: bDir, url, ref: 'main', singleBranch: true });
    const b = new Clone(bDir, await TestHive.create());
    b.importFile();

    await commitFile(a.dir, 'README.md', 'hello from A\n');
    a.hive.run('apiary/hive/update', { id: cell, title: 'renamed by A' });
    a.write();
    await a.sync();

    await commitFile(b.dir, 'README.md', 'hello from B\n');
    const headBefore = await git.resolveRef({ fs, dir: b.dir, ref: 'HEAD' });
    const fileBefore = b.file();
    await assert.rejects(b.sync(), (err: { code?: string; message?: string; details?: { files?: string[] } }) => {
      assert.equal(err.code, 'conflict');
      assert.deepEqual(err.details?.files, ['README.md']);
      return true;
    });
    assert.equal(await git.resolveRef({ fs, dir: b.dir, ref: 'HEAD' }), headBefore);
    assert.equal(b.file(), fileBefore);
    assert.equal(fs.readFileSync(path.join(b.dir, 'README.md'), 'utf8'), 'hello from B\n');

    // A clone with an unrelated uncommitted edit still fast-forwards, and keeps the edit.
    const cDir = path.join(root, 'code-c');
    await git.clone({ fs, http, dir: cDir, url, ref: 'main', singleBranch: true, depth: 1 });
    fs.writeFileSync(path.join(cDir, 'scratch.txt'), 'my local notes\n');
    a.hive.run('apiary/hive/update', { id: cell, priority: 0 });
    a.write();
    await a.sync();
    const c = await syncHive({ dir: cDir });
    assert.equal(c.pulled, 'fast-forward');
    assert.equal(c.hiveFileChanged, true);
    assert.equal(fs.readFileSync(path.join(cDir, 'scratch.txt'), 'utf8'), 'my local notes\n');
    assert.equal(parseJsonl(fs.readFileSync(path.join(cDir, HIVE_FILE), 'utf8')).records[0]!.priority, 0);
    assert.equal((await syncHive({ dir: cDir })).pulled, 'up-to-date');
  });

  it('refuses a detached HEAD with a hint', async () => {
    const dir = await newRepo('detached');
    const clone = new Clone(dir, await TestHive.create());
    clone.hive.create('a');
    clone.write();
    const { committed } = await syncHive({ dir });
    await git.checkout({ fs, dir, ref: committed! });
    await assert.rejects(syncHive({ dir }), (err: { code?: string; hint?: string }) => err.code === 'conflict' && /branch/.test(err.hint ?? ''));
  });
});

describe('hive merge driver', function () {
  this.timeout(60_000);
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apiary-hive-driver-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('merges the three files into ours and exits 0', async () => {
    const hive = await TestHive.create();
    const id = hive.create('base title');
    const base = exportHiveJsonl(hive.db);
    hive.advance(1000);
    hive.run('apiary/hive/update', { id, priority: 0 });
    const ours = exportHiveJsonl(hive.db);
    const theirs = base.replace('base title', 'their title').replace(/"updatedAt":"[^"]+"/, `"updatedAt":"${new Date(hive.now - 500).toISOString()}"`);
    const [o, a, b] = ['base', 'ours', 'theirs'].map((n) => path.join(dir, n));
    fs.writeFileSync(o!, base);
    fs.writeFileSync(a!, ours);
    fs.writeFileSync(b!, theirs);
    const lines: string[] = [];
    assert.equal(mergeDriver(o!, a!, b!, (l) => lines.push(l)), 0);
    const [merged] = parseJsonl(fs.readFileSync(a!, 'utf8')).records;
    assert.equal(merged!.title, 'their title');
    assert.equal(merged!.priority, 0);
  });

  it('keeps unparsable lines, lists them and exits 1', () => {
    const [o, a, b] = ['base', 'ours', 'theirs'].map((n) => path.join(dir, n));
    fs.writeFileSync(o!, '');
    fs.writeFileSync(a!, '');
    fs.writeFileSync(b!, '{oops\n');
    const lines: string[] = [];
    assert.equal(mergeDriver(o!, a!, b!, (l) => lines.push(l)), 1);
    assert.equal(fs.readFileSync(a!, 'utf8'), '{oops\n');
    assert.deepEqual(lines.length, 1);
    assert.match(lines[0]!, /theirs line 1: not JSON/);
  });

  it('exits 2 when a file cannot be read', () => {
    assert.equal(mergeDriver(path.join(dir, 'none'), path.join(dir, 'missing'), path.join(dir, 'gone'), () => {}), 2);
  });

  it('is what git runs for .hive/issues.jsonl once installed, turning a textual conflict into a clean merge', async () => {
    gitCli(dir, 'init', '--quiet', '--initial-branch=main');
    gitCli(dir, 'config', 'user.name', 'Test');
    gitCli(dir, 'config', 'user.email', 'test@example.com');
    const command = `"${process.execPath}" --require "${require.resolve('tsx/cjs')}" "${path.join(__dirname, 'mergeDriverCli.ts')}" %O %A %B`;
    const setup = await installMergeDriver(dir, command);
    assert.equal(setup.attributesAdded, true);
    assert.equal((await installMergeDriver(dir, command)).attributesAdded, false, 'installing twice adds the line once');
    assert.equal(fs.readFileSync(path.join(dir, '.gitattributes'), 'utf8'), HIVE_GITATTRIBUTES_LINE + '\n');

    const hive = await TestHive.create();
    const id = hive.create('one line, edited on both branches');
    fs.mkdirSync(path.join(dir, '.hive'));
    const write = () => fs.writeFileSync(path.join(dir, HIVE_FILE), exportHiveJsonl(hive.db));
    write();
    gitCli(dir, 'add', '.');
    gitCli(dir, 'commit', '--quiet', '-m', 'base');
    gitCli(dir, 'checkout', '--quiet', '-b', 'feature');
    hive.advance(1000);
    hive.run('apiary/hive/update', { id, labels: ['feature'] });
    write();
    gitCli(dir, 'commit', '--quiet', '-am', 'feature edit');
    gitCli(dir, 'checkout', '--quiet', 'main');
    const onMain = await TestHive.create();
    onMain.append(parseJsonl(fs.readFileSync(path.join(dir, HIVE_FILE), 'utf8')).records.map((cell) => ({ type: 'hive.cell.imported' as const, data: { cell, source: 'jsonl' as const, at: cell.updatedAt } })));
    onMain.now = hive.now + 1000;
    onMain.run('apiary/hive/update', { id, priority: 1, labels: ['main'] });
    fs.writeFileSync(path.join(dir, HIVE_FILE), exportHiveJsonl(onMain.db));
    gitCli(dir, 'commit', '--quiet', '-am', 'main edit');

    gitCli(dir, 'merge', '--quiet', '--no-edit', 'feature');
    const [merged] = parseJsonl(fs.readFileSync(path.join(dir, HIVE_FILE), 'utf8')).records;
    assert.deepEqual(merged!.labels, ['feature', 'main']);
    assert.equal(merged!.priority, 1);
    assert.equal(gitCli(dir, 'status', '--porcelain'), '');
  });
});
