import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { FRAME_HEADER_SIZE, SEGMENT_HEADER_SIZE, chainHash } from '../../../server/store/framing';
import { cleanTempDirs, crash, openLog, openStore, segmentFiles, tempDir } from './helpers';

const payload = (n: number, word = 'apple'): Buffer => Buffer.from(JSON.stringify({ n, word }));

/** Rewrites the frame at `at` with a new payload of the same length, fixing its checksum (and, if asked, its hash). */
function rewriteFrame(file: string, at: number, edit: (payload: Buffer) => void, opts: { rehash?: boolean; prevHash?: Buffer } = {}): Buffer {
  const buf = fs.readFileSync(file);
  const len = buf.readUInt32LE(at + 4);
  const body = buf.subarray(at + FRAME_HEADER_SIZE, at + FRAME_HEADER_SIZE + len);
  edit(body);
  if (opts.rehash) {
    const h = chainHash(opts.prevHash!, Number(buf.readBigUInt64LE(at + 12)), buf.readUInt32LE(at + 20), body);
    h.copy(buf, at + 24);
  }
  buf.writeUInt32LE(crc32(buf.subarray(at + 12, at + FRAME_HEADER_SIZE + len)), at + 8);
  fs.writeFileSync(file, buf);
  return buf;
}

function frameOffsets(file: string): number[] {
  const buf = fs.readFileSync(file);
  const out: number[] = [];
  for (let at = SEGMENT_HEADER_SIZE; at < buf.length; at += FRAME_HEADER_SIZE + buf.readUInt32LE(at + 4)) out.push(at);
  return out;
}

function hashAt(file: string, at: number): Buffer {
  return Buffer.from(fs.readFileSync(file).subarray(at + 24, at + 56));
}

describe('hash chain verification (events verify)', () => {
  after(cleanTempDirs);

  it('verifies an untouched log, counting records, events and segments', async () => {
    const dir = tempDir();
    const log = openLog(dir, { maxSegmentBytes: 500 });
    for (let i = 1; i <= 12; i++) await log.append(i * 2 - 1, 2, payload(i));
    const r = log.verify();
    assert.deepEqual(
      { ok: r.ok, records: r.records, events: r.events, headHash: r.headHash },
      { ok: true, records: 12, events: 24, headHash: log.headHash },
    );
    assert.equal(r.segments, segmentFiles(dir).length);
    assert.ok(r.segments > 1);
    log.close();
  });

  it('reports "hash chain broken" for a payload altered with its checksum fixed up, which recovery alone cannot see', async () => {
    const dir = tempDir();
    let log = openLog(dir);
    for (let i = 1; i <= 6; i++) await log.append(i, 1, payload(i));
    log.close();
    const file = segmentFiles(dir)[0]!;
    const at = frameOffsets(file)[2]!;
    rewriteFrame(file, at, (body) => body.write('zpple', body.indexOf('apple'), 'utf8'));
    log = openLog(dir); // checksums are fine: the tampering is only visible to the chain
    assert.equal(log.head, 6);
    const r = log.verify();
    assert.equal(r.ok, false);
    assert.deepEqual(r.problem, { position: 3, segment: path.basename(file), offset: at, reason: 'hash chain broken: the record was altered' });
    assert.equal(r.events, 2, 'everything before the damage still verifies');
    log.close();
  });

  it('catches a record rewritten with a recomputed hash at the next record, whose chain no longer fits', async () => {
    const dir = tempDir();
    let log = openLog(dir);
    for (let i = 1; i <= 6; i++) await log.append(i, 1, payload(i));
    log.close();
    const file = segmentFiles(dir)[0]!;
    const offsets = frameOffsets(file);
    rewriteFrame(file, offsets[2]!, (body) => body.write('zpple', body.indexOf('apple'), 'utf8'), { rehash: true, prevHash: hashAt(file, offsets[1]!) });
    log = openLog(dir);
    const r = log.verify();
    assert.equal(r.ok, false);
    assert.equal(r.problem?.position, 4);
    assert.equal(r.problem?.offset, offsets[3]);
    assert.match(r.problem!.reason, /hash chain broken/);
    log.close();
  });

  it('reports a segment removed while the log is open', async () => {
    const dir = tempDir();
    const log = openLog(dir, { maxSegmentBytes: 400 });
    for (let i = 1; i <= 20; i++) await log.append(i, 1, payload(i));
    const files = segmentFiles(dir);
    assert.ok(files.length >= 3);
    fs.rmSync(files[1]!);
    const r = log.verify();
    assert.equal(r.ok, false);
    assert.equal(r.problem?.segment, path.basename(files[1]!));
    assert.equal(r.problem?.reason, 'segment file is missing');
    log.close();
  });

  it('reports a segment that does not chain to the one before it (history swapped underneath)', async () => {
    const a = tempDir();
    const b = tempDir();
    for (const [dir, word] of [
      [a, 'apple'],
      [b, 'melon'],
    ] as const) {
      const log = openLog(dir, { maxSegmentBytes: 400 });
      for (let i = 1; i <= 20; i++) await log.append(i, 1, payload(i, word));
      log.close();
    }
    // Same positions, different history: splice b's second segment into a.
    const second = path.basename(segmentFiles(a)[1]!);
    fs.copyFileSync(path.join(b, second), path.join(a, second));
    const log = openLog(a, { maxSegmentBytes: 400 });
    const r = log.verify();
    assert.equal(r.ok, false);
    assert.equal(r.problem?.segment, second);
    assert.match(r.problem!.reason, /does not chain/);
    log.close();
  });

  it('checks the hash a snapshot recorded: a mismatch at an anchor is reported', async () => {
    const dir = tempDir();
    const log = openLog(dir);
    for (let i = 1; i <= 5; i++) await log.append(i, 1, payload(i));
    assert.equal(log.verify([{ position: 3, hash: log.headHash }]).ok, false);
    const r = log.verify([{ position: 3, hash: 'ab'.repeat(32) }]);
    assert.equal(r.ok, false);
    assert.match(r.problem!.reason, /differs from the one recorded in a snapshot/);
    assert.equal(log.verify([{ position: 5, hash: log.headHash }]).ok, true);
    log.close();
  });

  describe('through the store, with snapshots as anchors', () => {
    it('detects history rewritten consistently (every hash recomputed) after a snapshot recorded the old head', async () => {
      const dir = tempDir();
      let store = await openStore(dir);
      for (let i = 1; i <= 4; i++) await store.events.append('fruit', [{ type: 'fruit.picked', data: { word: 'apple' } }], 'any', { actor: 'test' });
      store.snapshot();
      crash(store);
      // Rewrite every record with a same-length payload and a recomputed chain: only the snapshot's anchor knows.
      const file = segmentFiles(path.join(dir, 'log'))[0]!;
      let prev = Buffer.alloc(32);
      for (const at of frameOffsets(file)) {
        const buf = rewriteFrame(file, at, (body) => body.write('melon', body.indexOf('apple'), 'utf8'), { rehash: true, prevHash: prev });
        prev = Buffer.from(buf.subarray(at + 24, at + 56));
      }
      store = await openStore(dir);
      assert.equal(store.events.read({}).every((e) => (e.data as { word: string }).word === 'melon'), true);
      const r = store.verify();
      assert.equal(r.ok, false);
      assert.match(r.problem!.reason, /differs from the one recorded in a snapshot/);
      crash(store);
    });

    it('detects events removed from the end of the log that a snapshot had covered', async () => {
      const dir = tempDir();
      let store = await openStore(dir, [], { maxSegmentBytes: 600 });
      for (let i = 1; i <= 30; i++) await store.events.append('fruit', [{ type: 'fruit.picked', data: { i } }], 'any', { actor: 'test' });
      store.snapshot();
      crash(store);
      const files = segmentFiles(path.join(dir, 'log'));
      fs.rmSync(files.at(-1)!);
      const warnings: string[] = [];
      store = await openStore(dir, [], { maxSegmentBytes: 600, onWarning: (m) => warnings.push(m) });
      assert.ok(store.head < 30);
      assert.match(warnings.join('\n'), /does not match the log/);
      const r = store.verify();
      assert.equal(r.ok, false);
      assert.match(r.problem!.reason, /a snapshot covered position 30 but the log ends at \d+ \(events removed\)/);
      crash(store);
    });
  });
});
