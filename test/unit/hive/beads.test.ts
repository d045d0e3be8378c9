import assert from 'node:assert/strict';
import { beadsImportEvents, parseBeadsJsonl, toBeadsJsonl } from '../../../server/hive/core/beads';
import { exportHiveJsonl } from '../../../server/hive/queries';
import { TestHive } from './harness';

// Lines shaped like a beads export: snake_case, RFC 3339 times with offsets and nanoseconds,
// priority 0 omitted, parents as parent-child dependencies, tombstones.
const BEADS = [
  {
    id: 'bd-a1b2',
    title: 'Sync engine',
    description: 'Epic for sync',
    status: 'open',
    priority: 1,
    issue_type: 'epic',
    created_at: '2025-10-14T12:00:00.123456789-07:00',
    updated_at: '2025-10-14T12:30:00.5-07:00',
    labels: ['sync'],
  },
  {
    id: 'bd-a1b2.1',
    title: 'Write the protocol',
    description: '',
    design: 'Use a log',
    notes: 'see the wiki',
    status: 'in_progress',
    issue_type: 'task',
    assignee: 'alice',
    created_at: '2025-10-14T12:01:00Z',
    updated_at: '2025-10-15T08:00:00Z',
    dependencies: [{ issue_id: 'bd-a1b2.1', depends_on_id: 'bd-a1b2', type: 'parent-child', created_at: '2025-10-14T12:01:00Z', created_by: 'daemon' }],
    comments: [
      { id: 42, issue_id: 'bd-a1b2.1', author: 'bob', text: 'later', created_at: '2025-10-15T09:00:00Z' },
      { id: 17, issue_id: 'bd-a1b2.1', author: 'alice', text: 'earlier', created_at: '2025-10-15T08:00:00Z' },
    ],
  },
  {
    id: 'bd-a1b2.2',
    title: 'Ship it',
    description: '',
    status: 'closed',
    priority: 3,
    issue_type: 'chore',
    created_at: '2025-10-14T12:02:00Z',
    updated_at: '2025-10-16T08:00:00Z',
    closed_at: '2025-10-16T08:00:00Z',
    close_reason: 'released',
    dependencies: [
      { issue_id: 'bd-a1b2.2', depends_on_id: 'bd-a1b2', type: 'parent-child', created_at: '2025-10-14T12:02:00Z', created_by: 'daemon' },
      { issue_id: 'bd-a1b2.2', depends_on_id: 'bd-a1b2.1', type: 'blocks', created_at: '2025-10-14T12:03:00Z', created_by: 'alice' },
      { issue_id: 'bd-a1b2.2', depends_on_id: 'bd-zz9', type: 'discovered-from', created_at: '2025-10-14T12:04:00Z', created_by: 'alice' },
    ],
  },
  {
    id: 'bd-zz9',
    title: 'Old idea',
    description: 'gone',
    status: 'tombstone',
    priority: 2,
    issue_type: 'feature',
    created_at: '2025-10-01T00:00:00Z',
    updated_at: '2025-10-02T00:00:00Z',
    deleted_at: '2025-10-02T00:00:00Z',
    deleted_by: 'batch delete',
    delete_reason: 'obsolete',
    original_type: 'feature',
  },
  {
    id: 'bd-q7',
    title: 'Parked',
    description: '',
    status: 'deferred',
    priority: 4,
    issue_type: 'molecule',
    created_at: '2025-10-03T00:00:00Z',
    updated_at: '2025-10-03T00:00:00Z',
    external_ref: 'gh-9',
  },
];
const BEADS_TEXT = BEADS.map((b) => JSON.stringify(b)).join('\n') + '\n';

describe('hive beads interop', () => {
  it('imports ids, statuses, priorities, types, parents and dependencies', () => {
    const { records, problems } = parseBeadsJsonl(BEADS_TEXT);
    assert.deepEqual(problems, []);
    const get = (id: string) => records.find((r) => r.id === id)!;
    assert.deepEqual(
      records.map((r) => [r.id, r.status, r.priority, r.type]),
      [
        ['bd-a1b2', 'open', 1, 'epic'],
        ['bd-a1b2.1', 'in_progress', 0, 'task'],
        ['bd-a1b2.2', 'closed', 3, 'chore'],
        ['bd-zz9', 'deleted', 2, 'feature'],
        ['bd-q7', 'open', 4, 'task'],
      ],
    );
    assert.equal(get('bd-a1b2.1').parent, 'bd-a1b2');
    assert.deepEqual(get('bd-a1b2.2').dependencies.map((d) => [d.dependsOn, d.type]), [
      ['bd-a1b2.1', 'blocks'],
      ['bd-zz9', 'discovered-from'],
    ]);
    assert.equal(get('bd-a1b2').createdAt, '2025-10-14T19:00:00.123Z', 'times become UTC milliseconds');
    assert.equal(get('bd-a1b2.2').closeReason, 'released');
    assert.equal(get('bd-zz9').deleteReason, 'obsolete');
    assert.deepEqual(get('bd-a1b2.1').comments.map((c) => [c.id, c.author]), [
      [1, 'alice'],
      [2, 'bob'],
    ]);
    assert.deepEqual(get('bd-a1b2.1').metadata, { beads: { design: 'Use a log', notes: 'see the wiki' } });
    assert.deepEqual(get('bd-q7').metadata, { beads: { status: 'deferred', issue_type: 'molecule', external_ref: 'gh-9' } });
  });

  it('round-trips through the hive and back to beads without losing what beads had', async () => {
    const hive = await TestHive.create();
    hive.append(beadsImportEvents(parseBeadsJsonl(BEADS_TEXT).records, hive.now), 'import');
    const exported = toBeadsJsonl(parseBeadsJsonl(BEADS_TEXT).records.map((r) => hive.cell(r.id)));
    const back = exported.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const original = new Map(BEADS.map((b) => [b.id, b as Record<string, unknown>]));
    assert.deepEqual(back.map((b) => b.id).sort(), [...original.keys()].sort());
    for (const b of back) {
      const o = original.get(String(b.id))!;
      assert.equal(b.status, o.status, `${b.id} status`);
      assert.equal(b.priority, o.priority ?? 0, `${b.id} priority`);
      assert.equal(b.issue_type, o.issue_type, `${b.id} type`);
      const deps = (x: Record<string, unknown>) =>
        ((x.dependencies as Array<Record<string, unknown>> | undefined) ?? []).map((d) => `${d.issue_id}>${d.depends_on_id}:${d.type}`).sort();
      assert.deepEqual(deps(b), deps(o), `${b.id} dependencies`);
      for (const key of ['design', 'notes', 'external_ref', 'close_reason', 'delete_reason', 'deleted_by', 'assignee', 'labels']) {
        assert.deepEqual(b[key], o[key], `${b.id} ${key}`);
      }
      assert.equal(Date.parse(String(b.created_at)), Math.floor(Date.parse(String(o.created_at))), `${b.id} created_at`);
    }
    // And the beads export is itself a stable import.
    assert.equal(toBeadsJsonl(parseBeadsJsonl(exported).records), exported);
  });

  it('makes imported cells part of the hive: the ready queue and the JSONL see them', async () => {
    const hive = await TestHive.create();
    hive.now = Date.parse('2025-11-01T00:00:00Z');
    hive.append(beadsImportEvents(parseBeadsJsonl(BEADS_TEXT).records, hive.now), 'import');
    assert.deepEqual(hive.readyIds(), ['bd-a1b2', 'bd-q7']);
    assert.equal(exportHiveJsonl(hive.db).trimEnd().split('\n').length, 5);
  });

  it('reports lines it cannot use with their numbers and imports the rest', () => {
    const text = BEADS_TEXT + 'not json\n' + JSON.stringify({ id: 'bd-x1', title: 'no time' }) + '\n';
    const { records, problems } = parseBeadsJsonl(text);
    assert.equal(records.length, BEADS.length);
    assert.deepEqual(problems.map((p) => p.line), [BEADS.length + 1, BEADS.length + 2]);
    assert.match(problems[1]!.reason, /created_at/);
  });
});
