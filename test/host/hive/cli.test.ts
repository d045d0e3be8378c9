// `apiary hive …` as a script uses it: the built CLI as a child process against a running host;
// --json everywhere, --agent for who acts, refusals exit 1 with {error:{code,message,hint}} and
// change nothing, usage errors exit 2; beads files round-trip; the git merge driver installs.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import git from 'isomorphic-git';
import type { CellDetail, HiveCellResult, HiveEpicResult, HiveExportResult, HiveImportResult, HiveListResult } from '../../../shared/hive';
import { cleanUp, ensureCliBuilt, jsonOf, runCli } from '../../support/host';
import { type HiveHost, startHiveHost, until } from './helpers';

type Refusal = { error: { code: string; message: string; hint?: string; details?: Record<string, unknown> } };

describe('the hive verbs', function () {
  this.timeout(90_000);
  let h: HiveHost;
  const cli = (...args: string[]) => runCli([...args, '--workspace', h.workspace]);
  const json = async <T>(...args: string[]): Promise<T> => {
    const r = await cli(...args, '--json');
    assert.equal(r.code, 0, `apiary ${args.join(' ')}: ${r.stdout}${r.stderr}`);
    return jsonOf<T>(r);
  };

  before(ensureCliBuilt);
  beforeEach(async () => {
    h = await startHiveHost();
  });
  afterEach(async () => {
    await h.stop();
    await cleanUp();
  });

  it('creates, lists, claims, comments, links and closes cells as --agent', async () => {
    const epic = await json<HiveEpicResult>('hive', 'create', '--title', 'Login', '--subtask', 'form', '--subtask', 'session', '--priority', '1', '--agent', 'BlueLake');
    assert.equal(epic.epic.type, 'epic');
    assert.deepEqual(epic.subtasks.map((s) => s.id), [`${epic.epic.id}.1`, `${epic.epic.id}.2`]);
    const bug = (
      await json<HiveCellResult>('hive', 'create', '--title', 'Crash on save', '--type', 'bug', '--priority', 'P0', '--files', 'src/a.ts,src/b.ts', '--label', 'ui', '--label', 'urgent', '--parent', epic.epic.id)
    ).cell;
    assert.deepEqual([bug.type, bug.priority, bug.parent, bug.files, bug.labels], ['bug', 0, epic.epic.id, ['src/a.ts', 'src/b.ts'], ['ui', 'urgent']]);

    const ready = await json<HiveListResult>('hive', 'ready');
    assert.equal(ready.cells[0]!.id, bug.id, 'most urgent first');
    const text = await cli('hive', 'ready');
    assert.match(text.stdout, new RegExp(`${bug.id.replace('.', '\\.')}\\s+P0 bug\\s+open\\s+Crash on save`));

    const started = await json<HiveCellResult>('hive', 'start', bug.id, '--agent', 'BlueLake', '--ttl', '120');
    assert.equal(started.cell.status, 'in_progress');
    assert.equal(started.cell.claim?.holder, 'BlueLake');
    const taken = await cli('hive', 'claim', bug.id, '--agent', 'GreenFern', '--json');
    assert.equal(taken.code, 1);
    const refusal = jsonOf<Refusal>(taken).error;
    assert.equal(refusal.code, 'conflict');
    assert.match(refusal.message, /claimed by BlueLake/);
    assert.ok(refusal.hint);

    const linked = await cli('hive', 'dep', 'add', `${epic.epic.id}.2`, `${epic.epic.id}.1`);
    assert.match(linked.stdout, new RegExp(`^Linked: ${epic.epic.id}\\.2 waits for ${epic.epic.id}\\.1$`, 'm'));
    const session = await json<CellDetail>('hive', 'show', `${epic.epic.id}.2`);
    assert.deepEqual(session.blockedBy, [`${epic.epic.id}.1`]);
    const cycle = jsonOf<Refusal>(await cli('hive', 'dep', 'add', `${epic.epic.id}.1`, `${epic.epic.id}.2`, '--json')).error;
    assert.equal(cycle.code, 'conflict');
    assert.match(cycle.message, /cycle/);

    await json('hive', 'comment', bug.id, 'found', 'it', '--agent', 'BlueLake');
    const closeByOther = await cli('hive', 'close', bug.id, '--agent', 'GreenFern', '--json');
    assert.equal(jsonOf<Refusal>(closeByOther).error.code, 'conflict');
    const closed = await json<HiveCellResult>('hive', 'close', bug.id, '--reason', 'fixed in 3f2a', '--agent', 'BlueLake');
    assert.deepEqual([closed.cell.status, closed.cell.closeReason], ['closed', 'fixed in 3f2a']);
    assert.deepEqual(closed.cell.comments.map((c) => [c.author, c.text]), [['BlueLake', 'found it']]);

    const mine = await json<HiveListResult>('hive', 'list', '--status', 'closed', '--assignee', 'BlueLake');
    assert.deepEqual(mine.cells.map((c) => c.id), [bug.id]);
    const shown = await cli('hive', 'show', bug.id);
    assert.match(shown.stdout, /closed: fixed in 3f2a/);
    assert.match(shown.stdout, /BlueLake, .*: found it/);
    assert.ok(h.events('hive.cell.claimed').every((e) => e.actor === 'BlueLake'), 'the log attributes the claim to the agent');
  });

  it('refuses bad input with a structured error and exit 1, writes nothing; usage errors exit 2', async () => {
    const { cell } = await json<HiveCellResult>('hive', 'create', '--title', 'keep me');
    await until('the hive file', () => h.readHiveFile()?.includes('keep me'));
    const head = h.host.store.head;
    const file = h.readHiveFile();

    const cases: Array<[string[], string, RegExp]> = [
      [['hive', 'create', '--title', 'x', '--priority', '7'], 'invalid_params', /priority 7/],
      [['hive', 'create', '--title', 'x', '--type', 'saga'], 'invalid_params', /type/],
      [['hive', 'create', '--title', 'x', '--parent', 'ap-none'], 'not_found', /ap-none/],
      [['hive', 'update', cell.id, '--status', 'closed'], 'invalid_params', /status/],
      [['hive', 'reopen', cell.id], 'conflict', /not closed/],
      [['hive', 'show', 'not an id'], 'invalid_params', /id/],
      [['hive', 'dep', 'add', cell.id, cell.id], 'invalid_params', /itself/],
      [['hive', 'import', '--beads'], 'not_found', /beads/],
    ];
    for (const [args, code, message] of cases) {
      const r = await cli(...args, '--json');
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      const { error } = jsonOf<Refusal>(r);
      assert.equal(error.code, code, `${args.join(' ')}: ${error.message}`);
      assert.match(error.message, message);
      assert.ok(error.hint, `${args.join(' ')} has a hint`);
    }
    for (const args of [['hive', 'create'], ['hive', 'show'], ['hive', 'dep', 'link', 'a', 'b'], ['hive', 'frobnicate'], ['hive', 'update', cell.id]]) {
      const r = await cli(...args, '--json');
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.equal(jsonOf<Refusal>(r).error.code, 'usage');
    }
    assert.equal(h.host.store.head, head, 'no event was written');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(h.readHiveFile(), file, 'the hive file is untouched');
  });

  it('exports to beads and imports it back into another workspace with ids, statuses, priorities and dependencies', async () => {
    const epic = await json<HiveEpicResult>('hive', 'create', '--title', 'Port', '--subtask', 'one', '--subtask', 'two');
    const [one, two] = epic.subtasks.map((s) => s.id) as [string, string];
    await json('hive', 'dep', 'add', two, one);
    await json('hive', 'update', one, '--status', 'in_progress', '--priority', '0');
    const done = (await json<HiveCellResult>('hive', 'create', '--title', 'done already', '--type', 'chore')).cell.id;
    await json('hive', 'close', done, '--reason', 'shipped');

    const exported = await json<HiveExportResult>('hive', 'export', '--beads');
    assert.equal(exported.path, path.join(h.workspace, '.beads', 'issues.jsonl'));
    assert.equal(exported.cells, 4);
    const beads = fs.readFileSync(exported.path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const twoLine = beads.find((b) => b.id === two)!;
    assert.equal(twoLine.issue_type, 'task');
    assert.deepEqual(
      (twoLine.dependencies as Array<{ depends_on_id: string; type: string }>).map((d) => [d.depends_on_id, d.type]).sort(),
      [[epic.epic.id, 'parent-child'], [one, 'blocks']],
    );
    assert.equal(beads.find((b) => b.id === done)!.status, 'closed');

    // A second workspace, holding only the beads file.
    const other = await startHiveHost();
    try {
      fs.mkdirSync(path.join(other.workspace, '.beads'));
      fs.copyFileSync(exported.path, path.join(other.workspace, '.beads', 'issues.jsonl'));
      const imported = jsonOf<HiveImportResult>(await runCli(['hive', 'import', '--beads', '--json', '--workspace', other.workspace]));
      assert.deepEqual([imported.imported, imported.problems], [4, []]);
      const again = jsonOf<HiveImportResult>(await runCli(['hive', 'import', '--beads', '--json', '--workspace', other.workspace]));
      assert.equal(again.imported, 0, 'importing the same file twice changes nothing');
      for (const id of [epic.epic.id, one, two, done]) {
        const theirs = jsonOf<CellDetail>(await runCli(['hive', 'show', id, '--json', '--workspace', other.workspace])).cell;
        const ours = (await json<CellDetail>('hive', 'show', id)).cell;
        assert.deepEqual(
          [theirs.status, theirs.priority, theirs.type, theirs.parent, theirs.dependencies.map((d) => [d.dependsOn, d.type]), theirs.closeReason],
          [ours.status, ours.priority, ours.type, ours.parent, ours.dependencies.map((d) => [d.dependsOn, d.type]), ours.closeReason],
          id,
        );
      }
      // And back out: the same beads file.
      const back = jsonOf<HiveExportResult>(await runCli(['hive', 'export', '--beads', '--path', 'round-trip.jsonl', '--json', '--workspace', other.workspace]));
      assert.equal(fs.readFileSync(back.path, 'utf8'), fs.readFileSync(exported.path, 'utf8'));
    } finally {
      await other.stop();
    }
  });

  it('installs the git merge driver, and the driver merges two edits of the hive file', async () => {
    await git.init({ fs, dir: h.workspace, defaultBranch: 'main' });
    const installed = await json<{ attributesAdded: boolean; command: string }>('hive', 'install-merge-driver');
    assert.equal(installed.attributesAdded, true);
    assert.match(fs.readFileSync(path.join(h.workspace, '.gitattributes'), 'utf8'), /^\.hive\/issues\.jsonl merge=apiary-hive$/m);
    assert.equal(await git.getConfig({ fs, dir: h.workspace, path: 'merge.apiary-hive.driver' }), installed.command);
    assert.match(installed.command, /hive merge-driver %O %A %B$/);

    const at = '2025-01-01T00:00:00.000Z';
    const line = (title: string, priority: number) => JSON.stringify({ id: 'ap-x1', title, type: 'task', status: 'open', priority, createdAt: at, updatedAt: at }) + '\n';
    const dir = fs.mkdtempSync(path.join(h.workspace, 'merge-'));
    const [base, ours, theirs] = ['base', 'ours', 'theirs'].map((n) => path.join(dir, n)) as [string, string, string];
    fs.writeFileSync(base, line('old', 2));
    fs.writeFileSync(ours, line('new title', 2));
    fs.writeFileSync(theirs, line('old', 0));
    const r = await runCli(['hive', 'merge-driver', base, ours, theirs]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(fs.readFileSync(ours, 'utf8')), JSON.parse(line('new title', 0)));
  });
});
