import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ApiaryError } from '../../../shared/errors';
import { SEGMENT_HEADER_SIZE } from '../../../server/store/framing';
import type { Frame, SegmentLog } from '../../../server/store/segmentLog';
import { cleanTempDirs, openLog, refusal, segmentFiles, tempDir } from './helpers';

function payload(n: number, size = 40): Buffer {
  return Buffer.from(JSON.stringify({ n, pad: 'x'.repeat(size) }));
}

function readAll(log: SegmentLog, from = 1): Frame[] {
  const out: Frame[] = [];
  log.read(from, (f) => {
    out.push({ firstPosition: f.firstPosition, count: f.count, payload: Buffer.from(f.buf.subarray(f.start, f.end)) });
  });
  return out;
}

/** Counts the write system calls the log makes while `fn` runs. */
async function countWrites(fn: () => Promise<unknown>): Promise<number> {
  const realWritev = fs.writevSync;
  const realWrite = fs.writeSync;
  let writes = 0;
  fs.writevSync = ((...args: Parameters<typeof fs.writevSync>) => {
    writes++;
    return realWritev(...args);
  }) as typeof fs.writevSync;
  fs.writeSync = ((...args: unknown[]) => {
    writes++;
    return (realWrite as (...a: unknown[]) => number)(...args);
  }) as typeof fs.writeSync;
  try {
    await fn();
  } finally {
    fs.writevSync = realWritev;
    fs.writeSync = realWrite;
  }
  return writes;
}

describe('segment log', () => {
  after(cleanTempDirs);

  it('starts empty with one segment and a head of 0', () => {
    const dir = tempDir();
    const log = openLog(dir);
    assert.equal(log.head, 0);
    assert.equal(segmentFiles(dir).length, 1);
    assert.equal(fs.statSync(segmentFiles(dir)[0]!).size, SEGMENT_HEADER_SIZE);
    log.close();
  });

  it('acknowledges an append only once its frame is in the file, readable by a fresh open', async () => {
    const dir = tempDir();
    const log = openLog(dir);
    for (let i = 1; i <= 5; i++) {
      await log.append(i, 1, payload(i));
      assert.equal(log.head, i);
      // A second reader of the same files sees it at once: nothing waits in a buffer.
      const other = openLog(dir);
      assert.equal(other.head, i);
      other.close();
    }
    log.close();
  });

  it('group-commits: many concurrent appends share far fewer writes than there are appends', async () => {
    const dir = tempDir();
    const log = openLog(dir);
    const appends = 64;
    const writes = await countWrites(() => Promise.all(Array.from({ length: appends }, (_, i) => log.append(i + 1, 1, payload(i + 1)))));
    assert.equal(log.head, appends);
    assert.ok(writes >= 1 && writes <= 4, `${appends} concurrent appends took ${writes} writes`);
    assert.deepEqual(
      readAll(log).map((f) => f.firstPosition),
      Array.from({ length: appends }, (_, i) => i + 1),
    );
    log.close();
  });

  it('tells the commit listener about every durable batch before the appenders hear back', async () => {
    const log = openLog(tempDir());
    const seen: number[] = [];
    log.onCommit((frames) => seen.push(...frames.map((f) => f.firstPosition)));
    const order: string[] = [];
    await Promise.all([1, 2, 3].map((p) => log.append(p, 1, payload(p)).then(() => order.push(`ack ${p} after ${seen.length} committed`))));
    assert.deepEqual(seen, [1, 2, 3]);
    assert.deepEqual(order, ['ack 1 after 3 committed', 'ack 2 after 3 committed', 'ack 3 after 3 committed']);
    log.close();
  });

  it('answers an awaited writer\'s next append without waiting for a turn of the event loop, and yields to it every few writes', async () => {
    const log = openLog(tempDir());
    await log.append(1, 1, payload(1));
    let loopTurned = false;
    setImmediate(() => (loopTurned = true));
    const beforeTurn: number[] = [];
    for (let p = 2; p <= 21; p++) {
      await log.append(p, 1, payload(p));
      if (!loopTurned) beforeTurn.push(p);
    }
    // Each append after the first is flushed right after the previous one's answer; the event
    // loop (other clients' requests) still gets its turn within a bounded number of writes.
    assert.ok(beforeTurn.length >= 4, `only ${beforeTurn.length} appends were answered before the loop turned`);
    assert.ok(beforeTurn.length < 20, 'the event loop never got a turn while one writer kept appending');
    assert.equal(log.head, 21);
    log.close();
  });

  it('keeps multi-event transactions as one frame with their first position and count', async () => {
    const log = openLog(tempDir());
    await log.append(1, 3, payload(1));
    await log.append(4, 2, payload(4));
    assert.equal(log.head, 5);
    assert.deepEqual(
      readAll(log).map((f) => [f.firstPosition, f.count]),
      [
        [1, 3],
        [4, 2],
      ],
    );
    // Reading from a position inside a frame starts with the frame that holds it.
    assert.deepEqual(
      readAll(log, 2).map((f) => f.firstPosition),
      [1, 4],
    );
    assert.deepEqual(
      readAll(log, 5).map((f) => f.firstPosition),
      [4],
    );
    assert.deepEqual(readAll(log, 6), []);
    log.close();
  });

  it('refuses an append whose position does not follow on, and writes nothing for it', async () => {
    const log = openLog(tempDir());
    await log.append(1, 1, payload(1));
    await assert.rejects(log.append(3, 1, payload(3)), /out of order/);
    await log.append(2, 1, payload(2));
    assert.equal(log.head, 2);
    log.close();
  });

  it('rolls over to a new segment named by its first position when a segment is full', async () => {
    const dir = tempDir();
    const log = openLog(dir, { maxSegmentBytes: 600 });
    for (let i = 1; i <= 30; i++) await log.append(i, 1, payload(i, 100));
    // Concurrent appends too: a batch may span a rollover.
    await Promise.all(Array.from({ length: 20 }, (_, i) => log.append(31 + i, 1, payload(31 + i, 100))));
    const files = segmentFiles(dir);
    assert.ok(files.length >= 10, `expected many segments, got ${files.length}`);
    const firsts = files.map((f) => Number(path.basename(f, '.seg')));
    assert.equal(firsts[0], 1);
    assert.deepEqual([...firsts].sort((a, b) => a - b), firsts);
    assert.deepEqual(
      readAll(log).map((f) => f.firstPosition),
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    assert.equal(log.verify().ok, true);
    log.close();
    // Closed, each segment ends with its last frame (the open one runs on into preallocated zeros).
    for (const f of files) assert.ok(fs.statSync(f).size <= 600, `${path.basename(f)} is ${fs.statSync(f).size} bytes`);
  });

  it('puts a frame larger than the segment limit in a segment of its own rather than refusing it', async () => {
    const dir = tempDir();
    const log = openLog(dir, { maxSegmentBytes: 300 });
    await log.append(1, 1, payload(1, 10));
    await log.append(2, 1, payload(2, 1000));
    await log.append(3, 1, payload(3, 10));
    assert.equal(log.head, 3);
    assert.equal(segmentFiles(dir).length, 3);
    log.close();
  });

  it('keeps everything across close and reopen, and continues at the next position', async () => {
    const dir = tempDir();
    let log = openLog(dir, { maxSegmentBytes: 1000 });
    for (let i = 1; i <= 40; i++) await log.append(i, 1, payload(i));
    const before = readAll(log);
    const headHash = log.headHash;
    log.close();
    const replayed: number[] = [];
    log = openLog(dir, { maxSegmentBytes: 1000, onFrame: (f) => replayed.push(f.firstPosition) });
    assert.equal(log.head, 40);
    assert.equal(log.headHash, headHash);
    assert.deepEqual(replayed, before.map((f) => f.firstPosition));
    assert.deepEqual(readAll(log), before);
    await log.append(41, 1, payload(41));
    log.close();
    log = openLog(dir, { maxSegmentBytes: 1000 });
    assert.equal(log.head, 41);
    assert.equal(log.verify().ok, true);
    log.close();
  });

  it('resumes from a recorded point without rescanning what came before it', async () => {
    const dir = tempDir();
    let log = openLog(dir, { maxSegmentBytes: 800 });
    for (let i = 1; i <= 20; i++) await log.append(i, 1, payload(i));
    const point = log.point();
    for (let i = 21; i <= 25; i++) await log.append(i, 1, payload(i));
    log.close();
    const replayed: number[] = [];
    log = openLog(dir, { maxSegmentBytes: 800, resumeFrom: point, onFrame: (f) => replayed.push(f.firstPosition) });
    assert.deepEqual(replayed, [21, 22, 23, 24, 25]);
    assert.equal(log.head, 25);
    assert.equal(log.verify().ok, true);
    log.close();
  });

  it('refuses appends once closed, with a structured error', async () => {
    const log = openLog(tempDir());
    log.close();
    const err = await refusal(() => log.append(1, 1, payload(1)));
    assert.equal(err.code, 'unavailable');
  });

  it('stops accepting writes after a failed write (fail-stop), and a reopen recovers what was acknowledged', async () => {
    const dir = tempDir();
    const log = openLog(dir);
    await log.append(1, 1, payload(1));
    const realWritev = fs.writevSync;
    const realWrite = fs.writeSync;
    const boom = (): never => {
      throw Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' });
    };
    fs.writevSync = boom;
    fs.writeSync = boom;
    try {
      await assert.rejects(log.append(2, 1, payload(2)), /EIO/);
    } finally {
      fs.writevSync = realWritev;
      fs.writeSync = realWrite;
    }
    await assert.rejects(log.append(3, 1, payload(3)), /EIO/);
    assert.equal(log.head, 1);
    log.close();
    const reopened = openLog(dir);
    assert.equal(reopened.head, 1);
    await reopened.append(2, 1, payload(2));
    assert.equal(reopened.head, 2);
    reopened.close();
  });

  it('refuses a transaction over the size limit before it reaches the disk', async () => {
    const log = openLog(tempDir());
    const err = await refusal(() => log.append(1, 1, Buffer.alloc(64 * 1024 * 1024 + 1)));
    assert.equal(err.code, 'invalid_params');
    assert.ok(err instanceof ApiaryError);
    await log.append(1, 1, payload(1));
    assert.equal(log.head, 1);
    log.close();
  });
});

describe('segment log: direct writes (O_DIRECT)', () => {
  after(cleanTempDirs);

  /** A sequence of appends whose frames start, end and span block and staging-area boundaries. */
  async function appendMix(log: SegmentLog): Promise<void> {
    const sizes = [10, 4000, 4096 - 56 - 64, 300, 8192, 1, 2_500_000, 700, 4096 * 3 - 56];
    let p = 1;
    for (const size of sizes) {
      await log.append(p, 1, Buffer.alloc(size, 0x61 + (p % 26)));
      p++;
    }
    // A batch of concurrent appends shares one write.
    await Promise.all(Array.from({ length: 40 }, (_, i) => log.append(p + i, 1, payload(p + i, 50 + i * 37))));
  }

  function directSupported(dir: string): boolean {
    const direct = fs.constants.O_DIRECT;
    if (direct === undefined) return false;
    const file = path.join(dir, 'probe');
    try {
      fs.closeSync(fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT | direct));
      return true;
    } catch {
      return false;
    } finally {
      fs.rmSync(file, { force: true });
    }
  }

  it('writes exactly the bytes the page cache path writes, and uses O_DIRECT where the file system takes it', async function () {
    const directDir = tempDir();
    if (!directSupported(directDir)) this.skip();
    const pagedDir = tempDir();
    const direct = openLog(directDir);
    const paged = openLog(pagedDir, { directIo: false });
    await appendMix(direct);
    await appendMix(paged);
    assert.equal(direct.writesDirect, true);
    assert.equal(paged.writesDirect, false);
    // While open, both files run on into zeros after the last frame.
    const open = (dir: string, log: SegmentLog): Buffer => fs.readFileSync(segmentFiles(dir)[0]!).subarray(0, log.point().offset);
    assert.ok(open(directDir, direct).equals(open(pagedDir, paged)));
    direct.close();
    paged.close();
    const files = (dir: string): Buffer[] => segmentFiles(dir).map((f) => fs.readFileSync(f));
    assert.deepEqual(files(directDir), files(pagedDir));
    assert.equal(openLog(directDir).verify().ok, true);
  });

  it('continues a log written either way in the other way', async () => {
    const dir = tempDir();
    let log = openLog(dir);
    await log.append(1, 1, payload(1));
    await log.append(2, 1, payload(2, 5000));
    log.close();
    log = openLog(dir, { directIo: false });
    await log.append(3, 1, payload(3, 100));
    log.close();
    log = openLog(dir);
    await log.append(4, 1, payload(4, 3000));
    await log.append(5, 1, payload(5, 10));
    // Stopped without closing: the zeros after the last frame are cut by the next open.
    const reopened = openLog(dir, { onWarning: () => {} });
    assert.equal(reopened.head, 5);
    assert.deepEqual(
      readAll(reopened).map((f) => f.payload.toString()),
      [1, 2, 3, 4, 5].map((n, i) => payload(n, [40, 5000, 100, 3000, 10][i]).toString()),
    );
    assert.equal(reopened.verify().ok, true);
    reopened.close();
    log.close();
  });

  it('keeps to the page cache where the file system refuses O_DIRECT', async () => {
    const dir = tempDir();
    const realOpen = fs.openSync;
    const direct = fs.constants.O_DIRECT ?? 0;
    fs.openSync = ((file: fs.PathLike, flags?: fs.OpenMode, mode?: fs.Mode) => {
      if (typeof flags === 'number' && direct !== 0 && (flags & direct) !== 0) {
        throw Object.assign(new Error('EINVAL: invalid argument, open'), { code: 'EINVAL' });
      }
      return realOpen(file, flags as fs.OpenMode, mode);
    }) as typeof fs.openSync;
    let log: SegmentLog;
    try {
      log = openLog(dir);
      await log.append(1, 1, payload(1));
      await log.append(2, 1, payload(2, 6000));
      assert.equal(log.writesDirect, false);
    } finally {
      fs.openSync = realOpen;
    }
    log.close();
    const reopened = openLog(dir);
    assert.equal(reopened.head, 2);
    assert.equal(reopened.verify().ok, true);
    reopened.close();
  });
});
