// A read model is a cache of the log: rebuilt from zero it must equal the one maintained live
// (through snapshots, restarts and crashes), and replaying the same events again changes nothing.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { primitiveProjections } from '../../../server/store';
import { CasLocks } from '../../../server/store/primitives/casLock';
import { Cursors } from '../../../server/store/primitives/cursor';
import { Deferreds } from '../../../server/store/primitives/deferred';
import { Mailboxes } from '../../../server/store/primitives/mailbox';
import { ProjectionEngine } from '../../../server/store/projectionEngine';
import type { Store } from '../../../server/store/store';
import { cleanTempDirs, crash, dumpTables, openStore, tempDir } from './helpers';
import { notesProjection } from './notesProjection';

type Step =
  | { kind: 'add' | 'edit' | 'remove'; note: number; actor: string }
  | { kind: 'mail'; to: string; ack: boolean }
  | { kind: 'lock'; name: string; holder: string; release: boolean }
  | { kind: 'deferred'; settle: 'resolve' | 'reject' | 'leave' }
  | { kind: 'cursor' }
  | { kind: 'snapshot' | 'close' | 'crash' };

const actor = fc.constantFrom('ann', 'bob', 'cy');
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constantFrom<'add' | 'edit' | 'remove'>('add', 'add', 'edit', 'remove'), note: fc.integer({ min: 1, max: 6 }), actor }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant<'mail'>('mail'), to: fc.constantFrom('inbox-a', 'inbox-b'), ack: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant<'lock'>('lock'), name: fc.constantFrom('L1', 'L2'), holder: actor, release: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant<'deferred'>('deferred'), settle: fc.constantFrom<'resolve' | 'reject' | 'leave'>('resolve', 'reject', 'leave') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant<'cursor'>('cursor') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom<'snapshot' | 'close' | 'crash'>('snapshot', 'close', 'crash') }) },
);

const projections = () => [...primitiveProjections, notesProjection()];

/** Drives a workload through the real commands, reopening the store where the steps say. */
async function runWorkload(dir: string, steps: Step[]): Promise<Store> {
  let store = await openStore(dir, projections());
  let seq = 0;
  for (const step of steps) {
    const deferreds = new Deferreds(store);
    try {
      switch (step.kind) {
        case 'add':
        case 'edit':
        case 'remove': {
          const type = `note.${step.kind === 'add' ? 'added' : step.kind === 'edit' ? 'edited' : 'removed'}`;
          await store.events.append(`note-${step.note}`, [{ type, data: { id: `n${step.note}`, text: `${step.kind} ${seq++}` } }], 'any', { actor: step.actor });
          break;
        }
        case 'mail': {
          const mail = new Mailboxes(store);
          const sent = await mail.send(step.to, { seq: seq++ }, { actor: 'sender' });
          if (step.ack) await mail.ack(step.to, 'reader', [sent.id]);
          break;
        }
        case 'lock': {
          const locks = new CasLocks(store);
          if (step.release) await locks.release(step.name, step.holder).catch(() => undefined);
          else await locks.acquire(step.name, step.holder, 60_000);
          break;
        }
        case 'deferred': {
          const id = `d${seq++}`;
          await deferreds.create({ id, data: { q: id } }, 'asker');
          if (step.settle === 'resolve') await deferreds.resolve(id, { ok: true }, 'answerer');
          if (step.settle === 'reject') await deferreds.reject(id, 'no', 'answerer');
          break;
        }
        case 'cursor':
          await new Cursors(store).commit('reader', store.head);
          break;
        case 'snapshot':
          store.snapshot();
          break;
        case 'close':
        case 'crash':
          deferreds.dispose();
          if (step.kind === 'close') store.close();
          else crash(store);
          store = await openStore(dir, projections());
          break;
      }
    } finally {
      deferreds.dispose();
    }
  }
  return store;
}

describe('projection rebuild', () => {
  after(cleanTempDirs);

  it('gives read models rebuilt from zero that equal the ones maintained live, through snapshots, restarts and crashes', async function () {
    this.timeout(60_000);
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 5, maxLength: 40 }), async (steps) => {
        const dir = tempDir();
        const live = await runWorkload(dir, steps);
        const liveTables = dumpTables(live, { withCheckpoints: true });
        const folded = live.foldTo({});
        try {
          assert.deepEqual(dumpTables(folded.db, { withCheckpoints: true }), liveTables, 'time travel to the head equals the live model');
        } finally {
          folded.db.close();
        }
        crash(live);
        const rebuilt = await openStore(dir, projections(), { ignoreSnapshots: true });
        try {
          assert.equal(rebuilt.opened.fromSnapshot, 0);
          assert.deepEqual(dumpTables(rebuilt, { withCheckpoints: true }), liveTables);
        } finally {
          crash(rebuilt);
        }
      }),
      { numRuns: 12 },
    );
  });

  describe('replaying twice', () => {
    let dir: string;
    let store: Store;
    before(async () => {
      dir = tempDir();
      store = await runWorkload(dir, [
        { kind: 'add', note: 1, actor: 'ann' },
        { kind: 'add', note: 2, actor: 'bob' },
        { kind: 'mail', to: 'inbox-a', ack: true },
        { kind: 'edit', note: 1, actor: 'ann' },
        { kind: 'snapshot' },
        { kind: 'lock', name: 'L1', holder: 'ann', release: false },
        { kind: 'deferred', settle: 'resolve' },
        { kind: 'remove', note: 2, actor: 'bob' },
        { kind: 'add', note: 3, actor: 'cy' },
        { kind: 'cursor' },
      ]);
    });
    after(() => crash(store));

    it('changes nothing when the same events are fed to the live read models again', () => {
      const before = dumpTables(store, { withCheckpoints: true });
      store.engine.apply(store.events.read({}));
      store.engine.apply(store.events.read({ from: 3 }));
      assert.deepEqual(dumpTables(store, { withCheckpoints: true }), before);
    });

    it('changes nothing when a fresh engine is fed the whole log twice', async () => {
      const db = new store.SQL.Database();
      try {
        const engine = new ProjectionEngine(db);
        for (const p of projections()) engine.register(p);
        const all = store.events.read({});
        engine.apply(all);
        const once = dumpTables({ db, engine }, { withCheckpoints: true });
        engine.apply(all);
        assert.deepEqual(dumpTables({ db, engine }, { withCheckpoints: true }), once);
        assert.deepEqual(once, dumpTables(store, { withCheckpoints: true }));
      } finally {
        db.close();
      }
    });

    it('gives the same tables from two independent rebuilds', async () => {
      const a = store.foldTo({});
      const b = store.foldTo({});
      try {
        assert.deepEqual(dumpTables(a.db, { withCheckpoints: true }), dumpTables(b.db, { withCheckpoints: true }));
        assert.equal(a.position, store.head);
      } finally {
        a.db.close();
        b.db.close();
      }
    });

    it('replays nothing and changes nothing on a reopen with no new events', async () => {
      const before = dumpTables(store, { withCheckpoints: true });
      store.close();
      store = await openStore(dir, projections());
      assert.equal(store.opened.replayed, 0);
      assert.deepEqual(dumpTables(store, { withCheckpoints: true }), before);
    });
  });
});
