// `.hive/issues.jsonl` kept in step with the hive by a running host: written after changes,
// imported when it changes underneath (three-way merge against what the host last wrote), bad
// lines reported with their line numbers and never dropped, an existing file imported on start.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { HiveChangedNotification, HiveCreateRequest, HiveListRequest, HiveShowRequest, HiveUpdateRequest, type HiveChanged } from '../../../shared/hive';
import { HiveFileStatusNotification, HiveFileStatusRequest, type HiveFileStatus } from '../../../shared/hiveViews';
import { hiveCommands } from '../../../server/hive/commands';
import { exportHiveJsonl } from '../../../server/hive/queries';
import { HiveService } from '../../../server/hive/service';
import { hostFeatures } from '../../../server/main';
import { primitiveProjections, Store } from '../../../server/store';
import { cleanUp, tempWorkspace, type Client } from '../../support/host';
import { collect, eventually, type HiveHost, parseLines, startHiveHost, until } from './helpers';

describe('the hive file in a running host', function () {
  this.timeout(60_000);
  let h: HiveHost;
  let c: Client;

  afterEach(async () => {
    await h?.stop();
    await cleanUp();
  });

  async function fileWith(pattern: RegExp): Promise<string> {
    return until(`the hive file to match ${pattern}`, () => {
      const text = h.readHiveFile();
      return text !== null && pattern.test(text) ? text : undefined;
    });
  }

  it('writes the file after changes: one cell per line, sorted by id, the same bytes the read model exports', async () => {
    h = await startHiveHost();
    c = await h.client('alice');
    assert.equal(h.readHiveFile(), null, 'no hive, no file');
    const ids: string[] = [];
    for (const title of ['write the parser', 'test the parser', 'ship it']) ids.push((await c.conn.sendRequest(HiveCreateRequest, { title, labels: ['v1'] })).cell.id);
    const text = await fileWith(/ship it/);
    const lines = parseLines(text);
    assert.deepEqual(lines.map((l) => l.id), [...ids].sort());
    assert.deepEqual(Object.keys(lines[0]!).slice(0, 5), ['id', 'title', 'type', 'status', 'priority']);
    assert.equal(text, exportHiveJsonl(h.host.store.db));
    // No temp file left behind by the atomic write.
    assert.deepEqual(fs.readdirSync(path.dirname(h.hiveFile())), ['issues.jsonl']);

    await c.conn.sendRequest(HiveUpdateRequest, { id: ids[1]!, priority: 0 });
    const after = await fileWith(/"priority":0/);
    assert.equal(parseLines(after).find((l) => l.id === ids[1])?.priority, 0);
  });

  it('writes during a steady stream of changes instead of waiting for it to stop', async () => {
    h = await startHiveHost();
    c = await h.client('alice');
    const id = (await c.conn.sendRequest(HiveCreateRequest, { title: 'busy' })).cell.id;
    await fileWith(/busy/);
    // A change every 100 ms never leaves the 200 ms quiet time the write waits for.
    let writtenDuringStream = false;
    for (let i = 1; i <= 25; i++) {
      await c.conn.sendRequest(HiveUpdateRequest, { id, title: `busy ${i}` });
      if (/busy \d+/.test(h.readHiveFile() ?? '')) writtenDuringStream = true;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(writtenDuringStream, 'the file was written while changes kept coming');
    await fileWith(/busy 25/);
  });

  it('merges a hand edit three ways with a change the host made meanwhile, reports a bad line by number and keeps it', async () => {
    h = await startHiveHost();
    c = await h.client('alice');
    const a = (await c.conn.sendRequest(HiveCreateRequest, { title: 'cell a' })).cell.id;
    const b = (await c.conn.sendRequest(HiveCreateRequest, { title: 'cell b' })).cell.id;
    const written = await fileWith(/cell b/);
    const pushes = collect<HiveChanged>(c.conn, HiveChangedNotification);
    const statuses = collect<HiveFileStatus>(c.conn, HiveFileStatusNotification);

    // The person edits b's title and a's labels by hand, and leaves a broken line in the middle.
    const lines = written.trimEnd().split('\n');
    const edited = lines.map((line) => {
      const rec = JSON.parse(line) as Record<string, unknown>;
      if (rec.id === a) rec.labels = ['by-hand'];
      if (rec.id === b) rec.title = 'cell b, renamed by hand';
      return JSON.stringify(rec);
    });
    edited.splice(1, 0, '{"id": "broken", oops');
    // Meanwhile the host changes a's priority (ours): both must survive.
    await c.conn.sendRequest(HiveUpdateRequest, { id: a, priority: 1 });
    fs.writeFileSync(h.hiveFile(), edited.join('\n') + '\n');

    const merged = await eventually('the hand edit merged', async () => {
      const shown = await c.conn.sendRequest(HiveShowRequest, { id: b });
      return shown.cell.title === 'cell b, renamed by hand' ? shown : undefined;
    });
    assert.equal(merged.cell.id, b);
    const cellA = (await c.conn.sendRequest(HiveShowRequest, { id: a })).cell;
    assert.deepEqual(cellA.labels, ['by-hand'], 'their label edit');
    assert.equal(cellA.priority, 1, 'our priority change');
    const imports = h.events('hive.cell.imported');
    assert.ok(imports.length >= 2 && imports.every((e) => (e.data as { source: string }).source === 'merge'));
    await until('a push naming the merged cells', () => pushes.find((p) => p.types.includes('hive.cell.imported') && p.ids.includes(a) && p.ids.includes(b)));

    // The broken line: reported with its line number in the edited file, pushed to clients, kept.
    const reported = await until('a file status with the bad line', () => statuses.find((s) => s.problems.length > 0));
    assert.equal(reported.problems[0]!.line, 2);
    assert.match(reported.problems[0]!.reason, /not JSON/);
    assert.ok(h.logs.some((l) => /issues\.jsonl line 2: not JSON/.test(l)));
    const text = await fileWith(/"priority":1/);
    assert.ok(text.split('\n').includes('{"id": "broken", oops'), 'the bad line is still in the file');
    const status = await c.conn.sendRequest(HiveFileStatusRequest);
    assert.equal(status.problems.length, 1);
    assert.equal(text.split('\n')[status.problems[0]!.line - 1], '{"id": "broken", oops', 'the status points at the line where it is now');
    // The file holds both sides' changes.
    const records = text.split('\n').filter((l) => l.startsWith('{"id":"'));
    assert.ok(records.some((l) => l.includes('"by-hand"') && l.includes('"priority":1')));
    assert.ok(records.some((l) => l.includes('cell b, renamed by hand')));

    // Fixing the line by hand clears the problem.
    fs.writeFileSync(h.hiveFile(), text.split('\n').filter((l) => l !== '{"id": "broken", oops').join('\n'));
    await until('the problem cleared', () => statuses.find((s) => s.problems.length === 0 && s.checkedAt !== reported.checkedAt));
  });

  it('leaves a bad line where it is when nothing else needs writing', async () => {
    h = await startHiveHost();
    c = await h.client('alice');
    await c.conn.sendRequest(HiveCreateRequest, { title: 'one' });
    await c.conn.sendRequest(HiveCreateRequest, { title: 'two' });
    const written = await fileWith(/two/);
    const lines = written.trimEnd().split('\n');
    const edited = [lines[0], 'not json at all', lines[1]].join('\n') + '\n';
    fs.writeFileSync(h.hiveFile(), edited);
    const status = await eventually('the bad line reported', async () => {
      const s = await c.conn.sendRequest(HiveFileStatusRequest);
      return s.problems.length ? s : undefined;
    });
    assert.equal(status.problems[0]!.line, 2);
    assert.equal(status.problems[0]!.text, 'not json at all');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(h.readHiveFile(), edited, 'the file is left exactly as the person wrote it');
    assert.equal(h.events('hive.cell.imported').length, 0, 'nothing changed, so nothing was imported');
  });

  it('on a restart with the file and the hive as the host left them, takes the file as it stands: not exported again, not rewritten, its bad line still reported', async () => {
    h = await startHiveHost();
    const workspace = h.workspace;
    c = await h.client('alice');
    await c.conn.sendRequest(HiveCreateRequest, { title: 'one' });
    await c.conn.sendRequest(HiveCreateRequest, { title: 'two' });
    const lines = (await fileWith(/two/)).trimEnd().split('\n');
    const edited = [lines[0], 'not json at all', lines[1]].join('\n') + '\n';
    fs.writeFileSync(h.hiveFile(), edited);
    await eventually('the bad line reported', async () => ((await c.conn.sendRequest(HiveFileStatusRequest)).problems.length ? true : undefined));
    await h.stop();

    // On a large hive, exporting it to compare with the file was most of the start.
    const exportText = HiveService.prototype.exportText;
    let exports = 0;
    HiveService.prototype.exportText = function (this: HiveService, previousText?: string): string {
      exports++;
      return exportText.call(this, previousText);
    };
    try {
      h = await startHiveHost({ workspace });
      c = await h.client('alice');
      const status = await c.conn.sendRequest(HiveFileStatusRequest);
      assert.deepEqual(status.problems.map((p) => [p.line, p.text]), [[2, 'not json at all']]);
      assert.equal(exports, 0);
      assert.equal(h.readHiveFile(), edited);
      // The next change is written as usual, the bad line kept.
      await c.conn.sendRequest(HiveCreateRequest, { title: 'three' });
      const after = await fileWith(/three/);
      assert.ok(after.split('\n').includes('not json at all'));
      assert.equal(exports, 1);
    } finally {
      HiveService.prototype.exportText = exportText;
    }
  });

  it('writes on start a hive change the file never got (the host stopped before writing it)', async () => {
    h = await startHiveHost();
    const workspace = h.workspace;
    c = await h.client('alice');
    await c.conn.sendRequest(HiveCreateRequest, { title: 'one' });
    await fileWith(/one/);
    await h.stop();
    // The store alone, without a host to write the file: as if the host died right after the commit.
    const store = await Store.open({ dir: path.join(workspace, '.apiary'), projections: [...primitiveProjections, ...hostFeatures().flatMap((f) => f.projections ?? [])] });
    const params = hiveCommands['apiary/hive/create'].schema.parse({ title: 'made while the file was not written' });
    await new HiveService({ store, now: () => Date.now() }).create(params, 'bob');
    store.close();

    h = await startHiveHost({ workspace });
    assert.match(h.readHiveFile() ?? '', /made while the file was not written/, 'written during the start, before any new change');
  });

  it('imports an existing file into an empty hive on first start, and merges one changed while the host was away', async () => {
    const workspace = tempWorkspace();
    fs.mkdirSync(path.join(workspace, '.hive'));
    const at = '2025-02-01T10:00:00.000Z';
    const file = path.join(workspace, '.hive', 'issues.jsonl');
    fs.writeFileSync(
      file,
      [
        JSON.stringify({ id: 'ap-a1', title: 'from the team', type: 'task', status: 'open', priority: 1, createdAt: at, updatedAt: at }),
        JSON.stringify({ id: 'ap-b2', title: 'blocked one', type: 'bug', status: 'open', priority: 0, dependencies: [{ dependsOn: 'ap-a1', type: 'blocks', createdAt: at }], createdAt: at, updatedAt: at }),
      ].join('\n') + '\n',
    );
    h = await startHiveHost({ workspace });
    c = await h.client('alice');
    const list = await c.conn.sendRequest(HiveListRequest, {});
    assert.deepEqual(list.cells.map((x) => [x.id, x.blocked]), [
      ['ap-b2', true],
      ['ap-a1', false],
    ]);
    assert.ok(h.events('hive.cell.imported').every((e) => (e.data as { source: string }).source === 'jsonl'));
    await c.conn.sendRequest(HiveUpdateRequest, { id: 'ap-a1', title: 'from the team, edited here' });
    await fileWith(/edited here/);
    await h.stop();

    // A pull while the host is away changes another field of the same cell.
    const text = fs.readFileSync(file, 'utf8').replace('"priority":1', '"priority":3');
    fs.writeFileSync(file, text);
    h = await startHiveHost({ workspace });
    c = await h.client('alice');
    const a1 = (await c.conn.sendRequest(HiveShowRequest, { id: 'ap-a1' })).cell;
    assert.equal(a1.title, 'from the team, edited here');
    assert.equal(a1.priority, 3);
    assert.equal(h.events('hive.cell.imported').filter((e) => (e.data as { source: string }).source === 'merge').length, 1);
  });
});
