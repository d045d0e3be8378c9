import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { FRAME_HEADER_SIZE, SEGMENT_HEADER_SIZE, encodeFrame } from '../../../server/store/framing';
import type { SegmentLog } from '../../../server/store/segmentLog';
import { cleanTempDirs, openLog, refusal, segmentFiles, tempDir } from './helpers';

const payload = (n: number): Buffer => Buffer.from(JSON.stringify({ n, text: `event number ${n}` }));

/** A log of `n` single-event frames, closed; returns its folder. */
async function writeLog(n: number, maxSegmentBytes?: number): Promise<string> {
  const dir = tempDir();
  const log = openLog(dir, { maxSegmentBytes });
  for (let i = 1; i <= n; i++) await log.append(i, 1, payload(i));
  log.close();
  return dir;
}

function positions(log: SegmentLog): number[] {
  const out: number[] = [];
  log.read(1, (f) => {
    out.push(f.firstPosition);
  });
  return out;
}

/** Byte offsets where each frame of a segment starts. */
function frameOffsets(file: string): number[] {
  const buf = fs.readFileSync(file);
  const out: number[] = [];
  let at = SEGMENT_HEADER_SIZE;
  while (at < buf.length) {
    out.push(at);
    at += FRAME_HEADER_SIZE + buf.readUInt32LE(at + 4);
  }
  return out;
}

describe('log recovery', () => {
  after(cleanTempDirs);

  describe('a torn tail (a write that was never acknowledged)', () => {
    const tails: Array<[string, () => Buffer]> = [
      ['random garbage', () => Buffer.from('\x13\x37 not a frame at all, just noise from a crash \xff\xfe')],
      [
        'half of the next frame',
        () => {
          const { frame } = encodeFrame(Buffer.alloc(32), 11, 1, payload(11));
          return frame.subarray(0, Math.floor(frame.length / 2));
        },
      ],
      ['a few bytes of a frame header', () => encodeFrame(Buffer.alloc(32), 11, 1, payload(11)).frame.subarray(0, 9)],
      ['zero-filled bytes (the file grew before the data landed)', () => Buffer.alloc(4096)],
    ];
    for (const [what, tail] of tails) {
      it(`is cut off when it is ${what}, keeping every complete record`, async () => {
        const dir = await writeLog(10);
        const file = segmentFiles(dir)[0]!;
        const goodSize = fs.statSync(file).size;
        fs.appendFileSync(file, tail());
        const warnings: string[] = [];
        const log = openLog(dir, { onWarning: (m) => warnings.push(m) });
        assert.equal(log.head, 10);
        assert.deepEqual(positions(log), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        assert.equal(fs.statSync(file).size, goodSize);
        assert.equal(warnings.length, 1);
        assert.match(warnings[0]!, /cut (a torn tail of \d+ bytes|\d+ bytes of preallocated space) after position 10/);
        // The log goes on from there, and its chain is intact.
        await log.append(11, 1, payload(11));
        assert.equal(log.verify().ok, true);
        log.close();
        assert.equal(openLog(dir).head, 11);
      });
    }

    it('is cut off when the last record is complete in length but its bytes did not all land', async () => {
      const dir = await writeLog(6);
      const file = segmentFiles(dir)[0]!;
      const last = frameOffsets(file).at(-1)!;
      const buf = fs.readFileSync(file);
      buf.fill(0, last + FRAME_HEADER_SIZE + 3);
      fs.writeFileSync(file, buf);
      const log = openLog(dir);
      assert.equal(log.head, 5);
      assert.equal(fs.statSync(file).size, last);
      log.close();
    });

    it('removes a last segment whose creation was interrupted before its header was whole', async () => {
      const dir = await writeLog(5);
      const stub = path.join(dir, `${String(6).padStart(20, '0')}.seg`);
      fs.writeFileSync(stub, Buffer.from('APSEG0'));
      const warnings: string[] = [];
      const log = openLog(dir, { onWarning: (m) => warnings.push(m) });
      assert.equal(log.head, 5);
      assert.match(warnings.join('\n'), /creation was interrupted/);
      await log.append(6, 1, payload(6));
      assert.equal(log.verify().ok, true);
      log.close();
    });
  });

  describe('corruption of acknowledged data', () => {
    it('refuses to open when a record in the middle is damaged, naming position, segment and offset, and truncates nothing', async () => {
      const dir = await writeLog(10);
      const file = segmentFiles(dir)[0]!;
      const offsets = frameOffsets(file);
      const damagedAt = offsets[3]!; // the record holding position 4
      const buf = fs.readFileSync(file);
      buf[damagedAt + FRAME_HEADER_SIZE + 2]! ^= 0x20;
      fs.writeFileSync(file, buf);
      const err = await refusal(() => openLog(dir));
      assert.equal(err.code, 'corrupt_log');
      assert.match(err.message, /position 4/);
      assert.match(err.message, new RegExp(`segment ${path.basename(file)}`));
      assert.match(err.message, new RegExp(`byte ${damagedAt}`));
      assert.deepEqual(err.details, { segment: path.basename(file), offset: damagedAt, position: 4, reason: 'frame checksum mismatch' });
      assert.ok(err.hint && /verify/.test(err.hint));
      assert.deepEqual(fs.readFileSync(file), buf, 'the segment must be left exactly as found');
    });

    it('refuses to open when the damage is in the length field of a middle record', async () => {
      const dir = await writeLog(8);
      const file = segmentFiles(dir)[0]!;
      const buf = fs.readFileSync(file);
      const at = frameOffsets(file)[2]!;
      buf.writeUInt32LE(buf.readUInt32LE(at + 4) + 7, at + 4);
      fs.writeFileSync(file, buf);
      const size = buf.length;
      const err = await refusal(() => openLog(dir));
      assert.equal(err.code, 'corrupt_log');
      assert.equal(err.details?.position, 3);
      assert.equal(fs.statSync(file).size, size);
    });

    it('refuses to open when a sealed (not last) segment lost its tail, even though it looks torn', async () => {
      const dir = await writeLog(30, 600);
      const files = segmentFiles(dir);
      assert.ok(files.length >= 3);
      const sealed = files[1]!;
      const size = fs.statSync(sealed).size;
      fs.truncateSync(sealed, size - 5);
      const err = await refusal(() => openLog(dir));
      assert.equal(err.code, 'corrupt_log');
      assert.equal(err.details?.segment, path.basename(sealed));
      assert.equal(fs.statSync(sealed).size, size - 5);
    });

    it('refuses to open when a sealed segment has a damaged header', async () => {
      const dir = await writeLog(30, 600);
      const sealed = segmentFiles(dir)[1]!;
      const buf = fs.readFileSync(sealed);
      buf[10]! ^= 1;
      fs.writeFileSync(sealed, buf);
      const err = await refusal(() => openLog(dir));
      assert.equal(err.code, 'corrupt_log');
      assert.match(err.message, /segment header checksum mismatch/);
    });

    it('refuses to open when a segment in the middle is missing', async () => {
      const dir = await writeLog(30, 600);
      const files = segmentFiles(dir);
      fs.rmSync(files[1]!);
      const err = await refusal(() => openLog(dir));
      assert.equal(err.code, 'corrupt_log');
      assert.match(err.message, /expected \d+/);
    });

    it('refuses to open when the first segment is missing (events removed from the start)', async () => {
      const dir = await writeLog(30, 600);
      fs.rmSync(segmentFiles(dir)[0]!);
      const err = await refusal(() => openLog(dir));
      assert.equal(err.code, 'corrupt_log');
      assert.equal(err.details?.position, 1);
    });

    it('refuses a record whose checksum was fixed up but whose position does not follow on', async () => {
      const dir = await writeLog(5);
      const file = segmentFiles(dir)[0]!;
      const buf = fs.readFileSync(file);
      const at = frameOffsets(file)[1]!;
      buf.writeBigUInt64LE(9n, at + 12);
      buf.writeUInt32LE(crc32(buf.subarray(at + 12, at + FRAME_HEADER_SIZE + buf.readUInt32LE(at + 4))), at + 8);
      fs.writeFileSync(file, buf);
      const err = await refusal(() => openLog(dir));
      assert.equal(err.code, 'corrupt_log');
      assert.equal(err.details?.position, 2);
    });
  });
});
