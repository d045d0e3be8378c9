import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { CellRecord } from '../../../shared/hive';
import { parseJsonl, serializeJsonl } from '../../../server/hive/core/jsonl';
import { mergeHive } from '../../../server/hive/core/merge';
import { exportHiveJsonl } from '../../../server/hive/queries';
import { record } from './fixtures';
import { TestHive } from './harness';

const T = (minute: number) => new Date(Date.UTC(2025, 2, 1, 9, minute)).toISOString();
const file = (...records: CellRecord[]) => serializeJsonl(records);
const NOW = Date.parse('2025-03-02T00:00:00.000Z');
const merge = (base: string, ours: string, theirs: string) => mergeHive(base, ours, theirs, { now: NOW });
const byId = (records: CellRecord[], id: string) => records.find((r) => r.id === id)!;

describe('hive three-way merge', () => {
  const base = record('ap-a', { title: 'Login', priority: 2, labels: ['auth'] });

  it('takes a field changed on one side only', () => {
    const ours = record('ap-a', { ...base, title: 'Login page', updatedAt: T(5) });
    const theirs = record('ap-a', { ...base, priority: 0, updatedAt: T(3) });
    const m = merge(file(base), file(ours), file(theirs));
    const a = byId(m.records, 'ap-a');
    assert.equal(a.title, 'Login page');
    assert.equal(a.priority, 0);
    assert.equal(a.updatedAt, T(5), 'updatedAt is the later of the two');
    assert.deepEqual(m.conflicts, []);
  });

  it('resolves a true conflict by the later update, whichever side that is', () => {
    const ours = record('ap-a', { ...base, title: 'Ours', updatedAt: T(5) });
    const theirs = record('ap-a', { ...base, title: 'Theirs', updatedAt: T(9) });
    const m = merge(file(base), file(ours), file(theirs));
    assert.equal(byId(m.records, 'ap-a').title, 'Theirs');
    assert.deepEqual(m.conflicts, [{ id: 'ap-a', field: 'title', winner: 'theirs', reason: 'both changed; the later update wins' }]);

    const flipped = merge(file(base), file({ ...ours, updatedAt: T(10) }), file(theirs));
    assert.equal(byId(flipped.records, 'ap-a').title, 'Ours');
  });

  it('resolves a conflict at the same instant the same way from both sides, so clones converge', () => {
    const ours = record('ap-a', { ...base, title: 'Alpha', updatedAt: T(5) });
    const theirs = record('ap-a', { ...base, title: 'Beta', updatedAt: T(5) });
    const one = merge(file(base), file(ours), file(theirs));
    const other = merge(file(base), file(theirs), file(ours));
    assert.equal(one.text, other.text);
  });

  it('unions label and dependency additions from both sides and honours a one-sided removal', () => {
    const dep = (id: string) => ({ dependsOn: id, type: 'blocks' as const, createdAt: T(1), createdBy: 'x' });
    const b = record('ap-a', { ...base, labels: ['auth', 'old'], dependencies: [dep('ap-x')] });
    const ours = record('ap-a', { ...b, labels: ['auth', 'old', 'ui'], dependencies: [dep('ap-x'), dep('ap-y')], updatedAt: T(5) });
    const theirs = record('ap-a', { ...b, labels: ['auth', 'backend'], dependencies: [dep('ap-x'), dep('ap-z')], updatedAt: T(9) });
    const a = byId(merge(file(b), file(ours), file(theirs)).records, 'ap-a');
    assert.deepEqual(a.labels, ['auth', 'backend', 'ui'], 'old was removed by theirs and kept unchanged by ours');
    assert.deepEqual(a.dependencies.map((d) => d.dependsOn), ['ap-x', 'ap-y', 'ap-z']);
  });

  it('keeps comments added on both sides, renumbered by time', () => {
    const c = (id: number, text: string, minute: number) => ({ id, author: 'x', text, createdAt: T(minute) });
    const b = record('ap-a', { comments: [c(1, 'first', 1)] });
    const ours = record('ap-a', { comments: [c(1, 'first', 1), c(2, 'ours', 3)], updatedAt: T(3) });
    const theirs = record('ap-a', { comments: [c(1, 'first', 1), c(2, 'theirs', 2)], updatedAt: T(2) });
    const a = byId(merge(file(b), file(ours), file(theirs)).records, 'ap-a');
    assert.deepEqual(a.comments.map((x) => [x.id, x.text]), [
      [1, 'first'],
      [2, 'theirs'],
      [3, 'ours'],
    ]);
  });

  it('lets a tombstone win over an edit, even a later one', () => {
    const ours = record('ap-a', { ...base, status: 'deleted', deletedAt: T(2), deleteReason: 'dup', updatedAt: T(2) });
    const theirs = record('ap-a', { ...base, title: 'Edited later', status: 'in_progress', updatedAt: T(30) });
    for (const m of [merge(file(base), file(ours), file(theirs)), merge(file(base), file(theirs), file(ours))]) {
      const a = byId(m.records, 'ap-a');
      assert.equal(a.status, 'deleted');
      assert.equal(a.deleteReason, 'dup');
      assert.equal(a.title, 'Edited later', 'other fields still merge');
    }
  });

  it('keeps status and its close fields together', () => {
    const ours = record('ap-a', { ...base, status: 'closed', closedAt: T(4), closeReason: 'done', updatedAt: T(4) });
    const theirs = record('ap-a', { ...base, status: 'in_progress', updatedAt: T(6) });
    const a = byId(merge(file(base), file(ours), file(theirs)).records, 'ap-a');
    assert.equal(a.status, 'in_progress');
    assert.equal(a.closedAt, null);
    assert.equal(a.closeReason, null);
  });

  it('brings in cells added on either side', () => {
    const m = merge(file(base), file(base, record('ap-o')), file(base, record('ap-t')));
    assert.deepEqual(m.records.map((r) => r.id), ['ap-a', 'ap-o', 'ap-t']);
    assert.deepEqual(m.changed, ['ap-t']);
  });

  it('drops a cell removed on one side and untouched on the other; keeps it if the other side edited it', () => {
    const removed = merge(file(base, record('ap-b')), file(base, record('ap-b')), file(base));
    assert.deepEqual(removed.records.map((r) => r.id), ['ap-a']);
    assert.deepEqual(removed.events.map((e) => e.type), ['hive.cell.purged']);

    const edited = merge(file(base, record('ap-b')), file(base, record('ap-b', { title: 'mine now', updatedAt: T(5) })), file(base));
    assert.deepEqual(edited.records.map((r) => r.id), ['ap-a', 'ap-b']);
    assert.equal(edited.conflicts[0]?.field, 'cell');
    assert.equal(edited.conflicts[0]?.winner, 'ours');
  });

  it('reports unparsable lines with their numbers and keeps them in the merged file', () => {
    const theirs = file(base) + '{"id": broken\n';
    const m = merge(file(base), file(base), theirs);
    assert.deepEqual(m.problems.map((p) => [p.source, p.line]), [['theirs', 2]]);
    assert.ok(m.text.endsWith('{"id": broken\n'));
    const fixed = merge(theirs, theirs, file(base));
    assert.ok(!fixed.text.includes('broken'), 'a line the other side removed stays removed');
  });

  it('converges: merging theirs into ours gives the same file as ours into theirs', () => {
    const ids = ['ap-a', 'ap-b', 'ap-c'];
    const edit = fc.record({
      id: fc.constantFrom(...ids),
      minute: fc.integer({ min: 1, max: 20 }),
      change: fc.oneof(
        fc.record({ title: fc.constantFrom('one', 'two', 'three') }),
        fc.record({ priority: fc.constantFrom(0, 1, 3, 4) as fc.Arbitrary<0 | 1 | 3 | 4> }),
        fc.record({ labels: fc.subarray(['x', 'y', 'z']) }),
        fc.constant({ status: 'closed' as const, closedAt: T(15), closeReason: 'done' }),
        fc.constant({ status: 'deleted' as const, deletedAt: T(16), deleteReason: 'gone' }),
        fc.constant('remove' as const),
      ),
    });
    const base = ids.map((id) => record(id, { labels: ['x'] }));
    const apply = (edits: Array<{ id: string; minute: number; change: Partial<CellRecord> | 'remove' }>) => {
      let records = base.map((r) => ({ ...r }));
      for (const e of edits) {
        if (e.change === 'remove') records = records.filter((r) => r.id !== e.id);
        else records = records.map((r) => (r.id === e.id ? { ...r, ...(e.change as Partial<CellRecord>), updatedAt: T(e.minute) } : r));
      }
      return file(...records);
    };
    fc.assert(
      fc.property(fc.array(edit, { maxLength: 5 }), fc.array(edit, { maxLength: 5 }), (mine, yours) => {
        const [b, o, t] = [file(...base), apply(mine), apply(yours)];
        assert.equal(merge(b, o, t).text, merge(b, t, o).text);
      }),
    );
  });

  it('gives events that bring the host state to the merged file', async () => {
    const hive = await TestHive.create();
    const a = hive.create('Login');
    const b = hive.create('Signup');
    const written = exportHiveJsonl(hive.db);
    // A teammate retitles a and adds a cell; meanwhile the host closes b.
    const teammate = parseJsonl(written).records.map((r) =>
      r.id === a ? { ...r, title: 'Login v2', updatedAt: T(100) } : r,
    );
    teammate.push(record('ap-new1', { title: 'From teammate' }));
    hive.advance(1000);
    hive.run('apiary/hive/close', { id: b, reason: 'done' });
    const m = mergeHive(written, exportHiveJsonl(hive.db), serializeJsonl(teammate), { now: NOW });
    assert.deepEqual(m.changed.sort(), [a, 'ap-new1'].sort());
    hive.append(m.events, 'host');
    assert.equal(exportHiveJsonl(hive.db), m.text);
    assert.equal(hive.cell(b).status, 'closed');
    assert.equal(hive.cell(a).title, 'Login v2');
  });
});
