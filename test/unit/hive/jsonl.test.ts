import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CELL_KEY_ORDER, parseJsonl, renderHiveFile, serializeJsonl, serializeRecord } from '../../../server/hive/core/jsonl';
import { record } from './fixtures';

describe('hive JSONL', () => {
  it('writes one cell per line, sorted by id with child numbers in numeric order', () => {
    const text = serializeJsonl([record('ap-b'), record('ap-a.10'), record('ap-a'), record('ap-a.2')]);
    assert.deepEqual(
      text.trimEnd().split('\n').map((l) => JSON.parse(l).id),
      ['ap-a', 'ap-a.2', 'ap-a.10', 'ap-b'],
    );
    assert.ok(text.endsWith('\n'));
  });

  it('writes keys in the documented order, leaving out empty ones', () => {
    const full = record('ap-a', {
      description: 'd',
      parent: 'ap-p',
      assignee: 'bob',
      labels: ['z', 'a'],
      files: ['b.ts', 'a.ts'],
      dependencies: [{ dependsOn: 'ap-x', type: 'blocks', createdAt: '2025-03-01T09:00:00.000Z', createdBy: 'bob' }],
      comments: [{ id: 1, author: 'bob', text: 'hi', createdAt: '2025-03-01T09:00:00.000Z' }],
      metadata: { z: 1, a: { y: 2, b: 3 } },
      status: 'closed',
      closedAt: '2025-03-02T09:00:00.000Z',
      closeReason: 'done',
    });
    const keys = Object.keys(JSON.parse(serializeRecord(full)));
    assert.deepEqual(keys, CELL_KEY_ORDER.filter((k) => k !== 'deletedAt' && k !== 'deleteReason'));
    assert.ok(serializeRecord(full).includes('"labels":["a","z"]'));
    assert.ok(serializeRecord(full).includes('"metadata":{"a":{"b":3,"y":2},"z":1}'));
    assert.deepEqual(Object.keys(JSON.parse(serializeRecord(record('ap-b')))), ['id', 'title', 'type', 'status', 'priority', 'createdAt', 'updatedAt']);
  });

  it('prints the same bytes for the same cell whatever order its sets and keys came in', () => {
    const a = record('ap-a', { labels: ['x', 'y'], metadata: { one: 1, two: 2 } });
    const b = record('ap-a', { labels: ['y', 'x', 'y'], metadata: { two: 2, one: 1 } });
    assert.equal(serializeRecord(a), serializeRecord(b));
  });

  it('round-trips: parsing what it wrote gives the same records and the same bytes', () => {
    const arb = fc.record({
      title: fc.string({ minLength: 1, maxLength: 40 }),
      description: fc.string({ maxLength: 80 }),
      priority: fc.constantFrom(0, 1, 2, 3, 4) as fc.Arbitrary<0 | 1 | 2 | 3 | 4>,
      labels: fc.array(fc.string({ minLength: 1, maxLength: 8 }), { maxLength: 4 }),
      assignee: fc.option(fc.string({ minLength: 1, maxLength: 8 }), { nil: null }),
      metadata: fc.dictionary(fc.string({ minLength: 1, maxLength: 5 }), fc.oneof(fc.integer(), fc.string(), fc.boolean())),
    });
    fc.assert(
      fc.property(fc.array(arb, { minLength: 1, maxLength: 8 }), (cells) => {
        const records = cells.map((c, i) => record(`ap-${i.toString(36)}x`, c));
        const text = serializeJsonl(records);
        const parsed = parseJsonl(text);
        assert.deepEqual(parsed.problems, []);
        assert.equal(serializeJsonl(parsed.records), text);
      }),
    );
  });

  it('reports every unusable line with its number and reason, and keeps it verbatim', () => {
    const good = serializeRecord(record('ap-a'));
    const text = [good, '{"id": "ap-b", "title": ', '', '{"id":"ap-c","title":"t","priority":9,"createdAt":"2025-03-01T09:00:00.000Z","updatedAt":"2025-03-01T09:00:00.000Z"}', good].join('\n');
    const parsed = parseJsonl(text);
    assert.deepEqual(parsed.records.map((r) => r.id), ['ap-a']);
    assert.deepEqual(
      parsed.problems.map((p) => [p.line, p.reason.split(':')[0]]),
      [
        [2, 'not JSON'],
        [4, 'not a cell'],
        [5, 'duplicate id ap-a (first on line 1)'],
      ],
    );
    assert.match(parsed.problems[1]!.reason, /priority/);
    assert.deepEqual(parsed.unparsed.map((u) => u.line), [2, 4, 5]);
  });

  it('keeps unparsable lines of the file on disk when the host rewrites it', () => {
    const onDisk = serializeRecord(record('ap-a')) + '\n<<<<<<< HEAD\n';
    const written = renderHiveFile([record('ap-a', { title: 'renamed' }), record('ap-b')], onDisk);
    const lines = written.trimEnd().split('\n');
    assert.equal(lines.length, 3);
    assert.equal(lines[2], '<<<<<<< HEAD');
    assert.equal(JSON.parse(lines[0]!).title, 'renamed');
  });

  it('drops superseded versions of a cell on rewrite but keeps a duplicate line', () => {
    const old = serializeRecord(record('ap-a', { title: 'old title' }));
    const dup = serializeRecord(record('ap-a', { title: 'duplicate' }));
    assert.equal(renderHiveFile([record('ap-a')], old + '\n'), serializeJsonl([record('ap-a')]));
    assert.equal(renderHiveFile([record('ap-a')], old + '\n' + dup + '\n'), serializeJsonl([record('ap-a')]) + old + '\n' + dup + '\n');
  });

  it('fills omitted keys with their empty values', () => {
    const parsed = parseJsonl('{"id":"ap-a","title":"t","createdAt":"2025-03-01T09:00:00.000Z","updatedAt":"2025-03-01T09:00:00.000Z"}\n');
    assert.deepEqual(parsed.records[0], record('ap-a', { title: 't' }));
  });
});
