import assert from 'node:assert/strict';
import fs from 'node:fs';
import { crc32 } from 'node:zlib';
import path from 'node:path';
import { Mailboxes, primitiveProjections } from '../../../server/store';
import { listSnapshots, readSnapshot, removeStaleTemporaries } from '../../../server/store/snapshot';
import type { Store } from '../../../server/store/store';
import { cleanTempDirs, crash, dumpTables, openStore, segmentFiles, tempDir } from './helpers';
import { notesProjection } from './notesProjection';

const meta = { actor: 'bob' };
const projections = () => [notesProjection()];

async function addNotes(store: Store, from: number, to: number): Promise<void> {
  for (let i = from; i <= to; i++) {
    await store.events.append(`note-${i}`, [{ type: 'note.added', data: { id: `n${i}`, text: `t${i}` } }], 'no-stream', meta);
    if (i % 3 === 0) await store.events.append(`note-${i}`, [{ type: 'note.edited', data: { id: `n${i}`, text: `edited ${i}` } }], 1, meta);
  }
}

const snapDir = (dir: string): string => path.join(dir, 'snapshots');

function flipByteIn(file: string, at: number): void {
  const buf = fs.readFileSync(file);
  buf[at]! ^= 0x40;
  fs.writeFileSync(file, buf);
}

/** Rewrites a snapshot in the first format, whose index was JSON pairs, as earlier versions wrote it. */
function rewriteInFirstFormat(file: string): void {
  const snap = readSnapshot(file);
  if ('error' in snap) throw new Error(snap.error);
  const header = Buffer.from(JSON.stringify({ ...snap.header, format: 1 }));
  const index = Buffer.from(JSON.stringify(snap.index.toJSON()));
  const body = Buffer.concat([header, index, snap.db]);
  const lens = Buffer.alloc(16);
  [header.length, index.length, snap.db.length, crc32(body)].forEach((n, i) => lens.writeUInt32LE(n, i * 4));
  fs.writeFileSync(file, Buffer.concat([Buffer.from('APSNAP01'), lens, body]));
}

describe('snapshots', () => {
  after(cleanTempDirs);

  it('are still read when an earlier version wrote them (index as JSON), and the next one is written anew', async () => {
    const dir = tempDir();
    let store = await openStore(dir, projections());
    await addNotes(store, 1, 12);
    await store.events.append('inbox', [{ id: 'mail:inbox:1', type: 'note.added', data: { id: 'm1', text: 'hello' } }], 'any', meta);
    const head = store.head;
    const live = dumpTables(store, { withCheckpoints: true });
    store.close();
    const [file] = listSnapshots(snapDir(dir));
    rewriteInFirstFormat(file!);
    store = await openStore(dir, projections());
    assert.deepEqual([store.opened.fromSnapshot, store.opened.replayed], [head, 0]);
    assert.deepEqual(dumpTables(store, { withCheckpoints: true }), live);
    assert.equal(store.events.version('note-12'), 2, 'versions came back');
    const retry = await store.events.append('inbox', [{ id: 'mail:inbox:1', type: 'note.added', data: { id: 'm1', text: 'hello' } }], 'any', meta);
    assert.equal(retry.duplicate, true, 'and the ids a caller chose: a retry is recognised');
    await addNotes(store, 13, 13);
    store.close();
    const again = readSnapshot(listSnapshots(snapDir(dir))[0]!);
    assert.ok(!('error' in again));
    assert.equal(again.header.format, 2);
    assert.equal(again.index.positionOf('mail:inbox:1'), head);
  });

  it('reopens from a snapshot by replaying only the tail, to the same read models and head', async () => {
    const dir = tempDir();
    let store = await openStore(dir, projections());
    await addNotes(store, 1, 30);
    const covered = store.head;
    store.snapshot();
    await addNotes(store, 31, 34);
    const live = dumpTables(store, { withCheckpoints: true });
    const head = store.head;
    crash(store);
    store = await openStore(dir, projections());
    assert.equal(store.opened.fromSnapshot, covered);
    assert.equal(store.opened.replayed, head - covered);
    assert.equal(store.head, head);
    assert.deepEqual(dumpTables(store, { withCheckpoints: true }), live);
    // And the write side carries on where it was: versions came back with the snapshot and the tail.
    assert.equal(store.events.version('note-33'), 2);
    await addNotes(store, 35, 35);
    crash(store);
  });

  it('is written on close at the head, so a clean restart replays nothing', async () => {
    const dir = tempDir();
    let store = await openStore(dir, projections());
    await addNotes(store, 1, 5);
    const head = store.head;
    store.close();
    store = await openStore(dir, projections());
    assert.deepEqual([store.opened.fromSnapshot, store.opened.replayed], [head, 0]);
    assert.equal(store.status().snapshotPosition, head);
    crash(store);
  });

  it('is taken automatically after the configured number of events', async () => {
    const dir = tempDir();
    const store = await openStore(dir, projections(), { snapshotEvery: 10 });
    await addNotes(store, 1, 12);
    await new Promise((r) => setImmediate(r));
    await store.snapshotsWritten();
    assert.ok(store.status().snapshotPosition >= 10);
    assert.equal(listSnapshots(snapDir(dir)).length, 1);
    crash(store);
  });

  it('once a tenth of the log is more than the configured number, waits for a tenth of the log instead', async () => {
    const dir = tempDir();
    const store = await openStore(dir, projections(), { snapshotEvery: 10 });
    const taken: number[] = [];
    for (let i = 1; i <= 300; i++) {
      await store.events.append(`note-${i}`, [{ type: 'note.added', data: { id: `n${i}`, text: 't' } }], 'no-stream', meta);
      await new Promise((r) => setImmediate(r));
      const at = store.status().snapshotPosition;
      if (at !== (taken.at(-1) ?? 0)) taken.push(at);
    }
    let previous = 0;
    for (const at of taken) {
      // Taken right after the event that reached the threshold, as it stood at that event.
      assert.equal(at - previous, Math.max(10, Math.floor(at / 10)), `snapshot at ${at} after the one at ${previous}`);
      previous = at;
    }
    assert.ok(taken.length < 25, `fewer than the 30 a fixed count of 10 would take (${taken.length})`);
    assert.ok(300 - previous <= 30, 'the tail a restart would replay stays within a tenth of the log');
    crash(store);
  });

  it('on a quiet host, snapshots the tail after snapshotAfterMs unless it is under 1% of the log', async () => {
    const dir = tempDir();
    const store = await openStore(dir, projections(), { snapshotAfterMs: 40 });
    await addNotes(store, 1, 150); // 200 events
    store.snapshot();
    const covered = store.status().snapshotPosition;
    await store.events.append('late', [{ type: 'note.added', data: { id: 'late1', text: 't' } }], 'any', meta);
    await new Promise((r) => setTimeout(r, 120));
    assert.equal(store.status().snapshotPosition, covered, 'one event in 201 is not worth a copy of the read models');
    await store.events.append('late', [{ type: 'note.added', data: { id: 'late2', text: 't' } }, { type: 'note.added', data: { id: 'late3', text: 't' } }], 'any', meta);
    await new Promise((r) => setTimeout(r, 120));
    assert.equal(store.status().snapshotPosition, store.head, 'three of 203 are');
    crash(store);
  });

  it('is taken right after a start that replayed a snapshot\'s worth of events, so a crash does not make the next start replay them again', async () => {
    const dir = tempDir();
    const first = await openStore(dir, projections());
    await addNotes(first, 1, 30); // 40 events
    crash(first); // no snapshot
    const store = await openStore(dir, projections(), { snapshotEvery: 25 });
    assert.equal(store.opened.replayed, 40);
    await new Promise((r) => setImmediate(r));
    await store.snapshotsWritten();
    assert.equal(store.status().snapshotPosition, 40);
    assert.equal(listSnapshots(snapDir(dir)).length, 1);
    crash(store);
    const small = await openStore(dir, projections(), { snapshotEvery: 25 });
    await addNotes(small, 31, 33);
    crash(small);
    const again = await openStore(dir, projections(), { snapshotEvery: 25 });
    assert.equal(again.opened.replayed, 4);
    await new Promise((r) => setImmediate(r));
    assert.equal(again.status().snapshotPosition, 40, 'a short tail waits for the usual threshold');
    crash(again);
  });

  it('leaves the read models working: their prepared statements survive the copy', async () => {
    const dir = tempDir();
    const store = await openStore(dir, [...primitiveProjections, notesProjection()]);
    const mail = new Mailboxes(store);
    await mail.send('inbox', { n: 1 }, { actor: 'bob' });
    await addNotes(store, 1, 3);
    store.snapshot();
    // The mailbox applies through statements prepared before the snapshot and never re-prepared.
    await mail.send('inbox', { n: 2 }, { actor: 'bob' });
    await addNotes(store, 4, 6);
    assert.deepEqual(store.projections().filter((p) => p.faulted), []);
    assert.deepEqual(mail.receive('inbox', 'alice').map((d) => d.body), [{ n: 1 }, { n: 2 }]);
    assert.equal(dumpTables(store).notes!.length, 6);
    crash(store);
  });

  it('writes the automatic ones in the background, one after another, each complete on disk', async () => {
    const dir = tempDir();
    const store = await openStore(dir, projections(), { snapshotEvery: 10 });
    await addNotes(store, 1, 8); // 10 events: the trigger fires on the next turn of the loop
    await new Promise((r) => setImmediate(r));
    assert.equal(store.status().snapshotPosition, 10, 'taken at once');
    await store.snapshotsWritten();
    assert.deepEqual(fs.readdirSync(snapDir(dir)), ['snapshot-00000000000000000010.bin']);
    const snap = readSnapshot(listSnapshots(snapDir(dir))[0]!);
    assert.ok(!('error' in snap));
    assert.equal(snap.header.point.position, 10);
    crash(store);
  });

  it('warns when a background write fails, reports the snapshot on disk, and tries again at the next trigger', async () => {
    const dir = tempDir();
    const warnings: string[] = [];
    const store = await openStore(dir, projections(), { snapshotEvery: 10, onWarning: (w) => warnings.push(w) });
    fs.writeFileSync(snapDir(dir), 'not a folder');
    await addNotes(store, 1, 8);
    await new Promise((r) => setImmediate(r));
    await store.snapshotsWritten();
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /snapshot at position 10 was not written/);
    assert.equal(store.status().snapshotPosition, 0, 'nothing is on disk');
    fs.rmSync(snapDir(dir));
    await addNotes(store, 9, 16); // another 11 events: the trigger at the 10th of them
    await new Promise((r) => setImmediate(r));
    await store.snapshotsWritten();
    // Taken at the head when the trigger's turn came: appends answered in a row may come first.
    const taken = store.status().snapshotPosition;
    assert.ok(taken >= 20 && taken <= store.head, `snapshot at ${taken}`);
    assert.deepEqual(listSnapshots(snapDir(dir)).map((f) => path.basename(f)), [`snapshot-${String(taken).padStart(20, '0')}.bin`]);
    crash(store);
  });

  it('is written by close() even while a background write of the same head is still under way', async () => {
    const dir = tempDir();
    let store = await openStore(dir, projections(), { snapshotEvery: 10 });
    await addNotes(store, 1, 8);
    await new Promise((r) => setImmediate(r)); // taken, its file not yet written
    const head = store.head;
    store.close();
    const written = readSnapshot(listSnapshots(snapDir(dir))[0]!);
    assert.ok(!('error' in written));
    assert.equal(written.header.point.position, head, 'on disk when close returns');
    await store.snapshotsWritten();
    assert.deepEqual(fs.readdirSync(snapDir(dir)), ['snapshot-00000000000000000010.bin']);
    store = await openStore(dir, projections());
    assert.deepEqual([store.opened.fromSnapshot, store.opened.replayed], [head, 0]);
    crash(store);
  });

  it('clears temporary files that a stopped process left mid-write, and only those', () => {
    const dir = tempDir();
    const names = [
      '.snapshot-00000000000000000010.bin.111.tmp', // an older host's name
      '.snapshot-00000000000000000010.bin.111.3.tmp',
      '.snapshot-00000000000000000020.bin.222.1.tmp', // a live process's write
      'snapshot-00000000000000000010.bin',
      'notes.txt',
    ];
    for (const n of names) fs.writeFileSync(path.join(dir, n), 'x');
    const removed = removeStaleTemporaries(dir, (pid) => pid === 222);
    assert.deepEqual(removed.sort(), names.slice(0, 2).sort());
    assert.deepEqual(fs.readdirSync(dir).sort(), names.slice(2).sort());
    assert.deepEqual(removeStaleTemporaries(path.join(dir, 'missing')), []);
  });

  it('keeps the newest two and leaves no temporary files behind', async () => {
    const dir = tempDir();
    const store = await openStore(dir, projections());
    for (let round = 0; round < 4; round++) {
      await addNotes(store, round * 3 + 1, round * 3 + 3);
      store.snapshot();
    }
    const files = fs.readdirSync(snapDir(dir));
    assert.equal(files.length, 2, files.join(', '));
    const positions = listSnapshots(snapDir(dir)).map((f) => {
      const s = readSnapshot(f);
      return 'error' in s ? -1 : s.header.point.position;
    });
    assert.deepEqual(positions, [store.head, positions[1]]);
    assert.ok(positions[1]! < store.head);
    crash(store);
  });

  it('falls back to the older snapshot when the newest is damaged', async () => {
    const dir = tempDir();
    let store = await openStore(dir, projections());
    await addNotes(store, 1, 6);
    const older = store.head;
    store.snapshot();
    await addNotes(store, 7, 12);
    store.snapshot();
    await addNotes(store, 13, 14);
    const live = dumpTables(store, { withCheckpoints: true });
    const head = store.head;
    crash(store);
    const newest = listSnapshots(snapDir(dir))[0]!;
    flipByteIn(newest, fs.statSync(newest).size - 100);
    const warnings: string[] = [];
    store = await openStore(dir, projections(), { onWarning: (m) => warnings.push(m) });
    assert.match(warnings.join('\n'), new RegExp(`skipped snapshot ${path.basename(newest)}: snapshot checksum mismatch`));
    assert.equal(store.opened.fromSnapshot, older);
    assert.equal(store.opened.replayed, head - older);
    assert.deepEqual(dumpTables(store, { withCheckpoints: true }), live);
    crash(store);
  });

  it('falls back to a full replay when every snapshot is damaged or cut short', async () => {
    const dir = tempDir();
    let store = await openStore(dir, projections());
    await addNotes(store, 1, 6);
    store.snapshot();
    await addNotes(store, 7, 9);
    store.snapshot();
    const live = dumpTables(store, { withCheckpoints: true });
    const head = store.head;
    crash(store);
    const [newest, oldest] = listSnapshots(snapDir(dir));
    fs.truncateSync(newest!, fs.statSync(newest!).size - 10);
    flipByteIn(oldest!, 2);
    const warnings: string[] = [];
    store = await openStore(dir, projections(), { onWarning: (m) => warnings.push(m) });
    assert.equal(warnings.length, 2, warnings.join('\n'));
    assert.match(warnings[0]!, /snapshot is truncated/);
    assert.match(warnings[1]!, /not a snapshot/);
    assert.deepEqual([store.opened.fromSnapshot, store.opened.replayed], [0, head]);
    assert.deepEqual(dumpTables(store, { withCheckpoints: true }), live);
    crash(store);
  });

  it('is not trusted when the log ends before the point it covers (log restored from an older copy): full replay', async () => {
    const dir = tempDir();
    let store = await openStore(dir, projections());
    await addNotes(store, 1, 4);
    const kept = store.head;
    const segment = segmentFiles(path.join(dir, 'log'))[0]!;
    // Where the frames end (the file itself runs on into preallocated space while the log is open).
    const keptBytes = store.log.point().offset;
    const atKept = dumpTables(store, { withCheckpoints: true });
    await addNotes(store, 5, 9);
    store.snapshot();
    crash(store);
    fs.truncateSync(segment, keptBytes);
    const warnings: string[] = [];
    store = await openStore(dir, projections(), { onWarning: (m) => warnings.push(m) });
    assert.equal(store.head, kept);
    assert.equal(store.opened.fromSnapshot, 0);
    assert.equal(fs.statSync(segment).size, keptBytes, 'the log is not padded out to where the snapshot pointed');
    assert.match(warnings.join('\n'), /does not match the log/);
    assert.deepEqual(dumpTables(store, { withCheckpoints: true }), atKept);
    // New events land right after what the log holds, and read models see them.
    const r = await store.events.append('note-new', [{ type: 'note.added', data: { id: 'new', text: 'fresh' } }], 'no-stream', meta);
    assert.deepEqual(r.positions, [kept + 1]);
    assert.equal(store.db.exec("SELECT text FROM notes WHERE id = 'new'")[0]?.values[0]?.[0], 'fresh');
    assert.match(store.verify().problem?.reason ?? '', /events removed/);
    crash(store);
    store = await openStore(dir, projections(), { ignoreSnapshots: true });
    assert.equal(store.head, kept + 1, 'the log reopens cleanly without the snapshot too');
    crash(store);
  });

  it('is not trusted when the record after its point does not chain to it (log replaced underneath): full replay', async () => {
    const dir = tempDir();
    let store = await openStore(dir, projections());
    await addNotes(store, 1, 4);
    store.snapshot();
    crash(store);
    // A different history of the same shape (same sizes, other words), and longer.
    const other = tempDir();
    store = await openStore(other, projections());
    for (let i = 1; i <= 8; i++) {
      await store.events.append(`note-${i}`, [{ type: 'note.added', data: { id: `m${i}`, text: `t${i}` } }], 'no-stream', meta);
      if (i % 3 === 0) await store.events.append(`note-${i}`, [{ type: 'note.edited', data: { id: `m${i}`, text: `edited ${i}` } }], 1, meta);
    }
    const truth = dumpTables(store, { withCheckpoints: true });
    crash(store);
    fs.rmSync(path.join(dir, 'log'), { recursive: true });
    fs.cpSync(path.join(other, 'log'), path.join(dir, 'log'), { recursive: true });
    const warnings: string[] = [];
    store = await openStore(dir, projections(), { onWarning: (m) => warnings.push(m) });
    assert.match(warnings.join('\n'), /does not chain/);
    assert.equal(store.opened.fromSnapshot, 0);
    assert.deepEqual(dumpTables(store, { withCheckpoints: true }), truth);
    crash(store);
  });

  it('still replays only the tail when a write after its point was torn by a crash', async () => {
    const dir = tempDir();
    let store = await openStore(dir, projections());
    await addNotes(store, 1, 4);
    store.snapshot();
    const covered = store.head;
    crash(store);
    const segment = segmentFiles(path.join(dir, 'log'))[0]!;
    const good = fs.statSync(segment).size;
    fs.appendFileSync(segment, Buffer.from([0x52, 0x46, 0x50, 0x41, 9, 9, 9]));
    store = await openStore(dir, projections(), { onWarning: () => {} });
    assert.deepEqual([store.opened.fromSnapshot, store.opened.replayed, store.head], [covered, 0, covered]);
    assert.equal(fs.statSync(segment).size, good);
    crash(store);
  });

  it('is not trusted when the whole log is gone: the read models start empty instead of claiming events that are not there', async () => {
    const dir = tempDir();
    let store = await openStore(dir, projections());
    await addNotes(store, 1, 5);
    store.snapshot();
    crash(store);
    fs.rmSync(path.join(dir, 'log'), { recursive: true });
    store = await openStore(dir, projections(), { onWarning: () => {} });
    assert.equal(store.head, 0);
    assert.equal(store.db.exec('SELECT count(*) FROM notes')[0]!.values[0]![0], 0);
    await store.events.append('note-1', [{ type: 'note.added', data: { id: 'again', text: 'x' } }], 'no-stream', meta);
    assert.deepEqual(store.db.exec('SELECT id FROM notes')[0]?.values, [['again']]);
    crash(store);
  });
});
