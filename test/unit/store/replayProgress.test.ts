// A replay on open says how far it has come, so a host opening a large log can tell the clients
// waiting for it that it is busy rather than stuck.
import assert from 'node:assert/strict';
import type { ReplayProgress } from '../../../server/store/store';
import { cleanTempDirs, crash, openStore, tempDir } from './helpers';
import { notesProjection } from './notesProjection';

const meta = { actor: 'ann' };

/** A log of `n` one-event transactions, written concurrently (as many writers would). */
async function logOf(dir: string, n: number): Promise<void> {
  const store = await openStore(dir, [notesProjection()]);
  await Promise.all(Array.from({ length: n }, (_, i) => store.events.append(`note-${i}`, [{ type: 'note.added', data: { id: `n${i}`, text: `text ${i}` } }], 'no-stream', meta)));
  store.close(); // with a snapshot at the head
}

describe('replay progress', () => {
  after(cleanTempDirs);

  it('reports events folded and the share of the log read as a replay runs, ending at all of it', async () => {
    const dir = tempDir();
    await logOf(dir, 12_000);
    const reports: ReplayProgress[] = [];
    const store = await openStore(dir, [notesProjection()], { ignoreSnapshots: true, onProgress: (p) => reports.push(p), progressEveryMs: 0 });
    try {
      assert.equal(store.opened.replayed, 12_000);
      assert.ok(reports.length >= 3, `a report per applied chunk, got ${reports.length}`);
      assert.deepEqual(reports.at(-1), { events: 12_000, fraction: 1 });
      for (let i = 1; i < reports.length; i++) {
        assert.ok(reports[i]!.events >= reports[i - 1]!.events, 'events never go back');
        assert.ok(reports[i]!.fraction >= reports[i - 1]!.fraction, 'the share read never goes back');
      }
      for (const r of reports) assert.ok(r.fraction >= 0 && r.fraction <= 1, `fraction ${r.fraction} out of range`);
      const middle = reports[Math.floor(reports.length / 2)]!;
      assert.ok(middle.fraction > 0.2 && middle.fraction < 0.9, `half-way through, about half the log is read (${middle.fraction})`);
    } finally {
      crash(store);
    }
  });

  it('says nothing when a start has nothing to replay, or too little to be worth a report', async () => {
    const dir = tempDir();
    await logOf(dir, 300);
    const reports: ReplayProgress[] = [];
    const fromSnapshot = await openStore(dir, [notesProjection()], { onProgress: (p) => reports.push(p), progressEveryMs: 0 });
    assert.equal(fromSnapshot.opened.replayed, 0);
    crash(fromSnapshot);
    const quick = await openStore(dir, [notesProjection()], { ignoreSnapshots: true, onProgress: (p) => reports.push(p) });
    assert.equal(quick.opened.replayed, 300);
    crash(quick);
    assert.deepEqual(reports, []);
  });
});
