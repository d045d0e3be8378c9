import assert from 'node:assert/strict';
import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import {
  FRAME_HEADER_SIZE,
  GENESIS_HASH,
  MAX_PAYLOAD,
  SEGMENT_HEADER_SIZE,
  chainHash,
  decodeFrame,
  decodeSegmentHeader,
  encodeFrame,
  encodeSegmentHeader,
  findLaterFrame,
} from '../../../server/store/framing';

const payloadOf = (s: string): Buffer => Buffer.from(s, 'utf8');

describe('store framing', () => {
  describe('frames', () => {
    it('decodes what it encodes: position, count, payload, size and the chained hash', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 2000 }), fc.integer({ min: 1, max: 2 ** 40 }), fc.integer({ min: 1, max: 1000 }), (bytes, pos, count) => {
          const payload = Buffer.from(bytes);
          const { frame, hash } = encodeFrame(GENESIS_HASH, pos, count, payload);
          const d = decodeFrame(frame, 0);
          assert.equal(d.kind, 'frame');
          if (d.kind !== 'frame') return;
          assert.equal(d.firstPosition, pos);
          assert.equal(d.count, count);
          assert.deepEqual(Buffer.from(d.payload), payload);
          assert.equal(d.size, FRAME_HEADER_SIZE + payload.length);
          assert.deepEqual(Buffer.from(d.hash), hash);
          assert.deepEqual(hash, chainHash(GENESIS_HASH, pos, count, payload));
        }),
      );
    });

    it('decodes frames laid back to back at their offsets', () => {
      const a = encodeFrame(GENESIS_HASH, 1, 2, payloadOf('first'));
      const b = encodeFrame(a.hash, 3, 1, payloadOf('second'));
      const buf = Buffer.concat([a.frame, b.frame]);
      const first = decodeFrame(buf, 0);
      assert.equal(first.kind, 'frame');
      const second = decodeFrame(buf, first.kind === 'frame' ? first.size : -1);
      assert.equal(second.kind === 'frame' && second.payload.toString(), 'second');
      assert.equal(second.kind === 'frame' && second.firstPosition, 3);
    });

    it('chains each hash to the previous one, so the same record after different history hashes differently', () => {
      const p = payloadOf('same');
      const h1 = encodeFrame(GENESIS_HASH, 5, 1, p).hash;
      const h2 = encodeFrame(Buffer.alloc(32, 1), 5, 1, p).hash;
      assert.notDeepEqual(h1, h2);
      // Position and count are covered too: moving a record elsewhere changes its hash.
      assert.notDeepEqual(chainHash(GENESIS_HASH, 5, 1, p), chainHash(GENESIS_HASH, 6, 1, p));
      assert.notDeepEqual(chainHash(GENESIS_HASH, 5, 1, p), chainHash(GENESIS_HASH, 5, 2, p));
    });

    it('detects a flipped bit anywhere after the magic and length as a checksum mismatch', () => {
      const { frame } = encodeFrame(GENESIS_HASH, 1, 1, payloadOf('{"hello":"world"}'));
      fc.assert(
        fc.property(fc.integer({ min: 8, max: frame.length - 1 }), fc.integer({ min: 0, max: 7 }), (at, bit) => {
          const bad = Buffer.from(frame);
          bad[at]! ^= 1 << bit;
          const d = decodeFrame(bad, 0);
          assert.equal(d.kind, 'bad');
          assert.equal(d.kind === 'bad' && d.reason, 'frame checksum mismatch');
        }),
      );
    });

    it('reports a wrong magic number as a bad frame, not as the end of the data', () => {
      const { frame } = encodeFrame(GENESIS_HASH, 1, 1, payloadOf('x'));
      frame[0]! ^= 0xff;
      const d = decodeFrame(frame, 0);
      assert.deepEqual(d, { kind: 'bad', reason: 'bad frame magic' });
    });

    it('refuses an implausible length instead of waiting for bytes that will never come', () => {
      const { frame } = encodeFrame(GENESIS_HASH, 1, 1, payloadOf('x'));
      frame.writeUInt32LE(MAX_PAYLOAD + 1, 4);
      const d = decodeFrame(frame, 0);
      assert.equal(d.kind, 'bad');
      assert.match(d.kind === 'bad' ? d.reason : '', /implausible frame length/);
    });

    it('calls every proper prefix of a frame short (a torn write), never a frame', () => {
      const { frame } = encodeFrame(GENESIS_HASH, 7, 3, payloadOf('a payload that spans some bytes'));
      for (let cut = 0; cut < frame.length; cut++) {
        assert.deepEqual(decodeFrame(frame.subarray(0, cut), 0), { kind: 'short' }, `prefix of ${cut} bytes`);
      }
    });

    it('calls a whole frame whose payload was never written (zeros) bad, not a frame', () => {
      const { frame } = encodeFrame(GENESIS_HASH, 1, 1, payloadOf('the real payload'));
      frame.fill(0, FRAME_HEADER_SIZE);
      assert.equal(decodeFrame(frame, 0).kind, 'bad');
    });
  });

  describe('segment header', () => {
    it('round-trips the first position and the hash it chains from', () => {
      const prevHash = chainHash(GENESIS_HASH, 1, 1, payloadOf('x'));
      const buf = encodeSegmentHeader({ firstPosition: 123456, prevHash });
      assert.equal(buf.length, SEGMENT_HEADER_SIZE);
      assert.deepEqual(decodeSegmentHeader(buf), { firstPosition: 123456, prevHash });
    });

    it('says what is wrong with a damaged header', () => {
      const good = encodeSegmentHeader({ firstPosition: 1, prevHash: GENESIS_HASH });
      assert.deepEqual(decodeSegmentHeader(good.subarray(0, 40)), { error: 'segment header is truncated' });
      const magic = Buffer.from(good);
      magic.write('NOTASEG!', 0, 'ascii');
      assert.deepEqual(decodeSegmentHeader(magic), { error: 'not an Apiary log segment (bad magic)' });
      const flipped = Buffer.from(good);
      flipped[9]! ^= 1;
      assert.deepEqual(decodeSegmentHeader(flipped), { error: 'segment header checksum mismatch' });
    });
  });

  describe('findLaterFrame', () => {
    it('finds an intact frame after damage (corruption in the middle) and none after a torn tail', () => {
      const a = encodeFrame(GENESIS_HASH, 1, 1, payloadOf('one'));
      const b = encodeFrame(a.hash, 2, 1, payloadOf('two'));
      const damagedA = Buffer.from(a.frame);
      damagedA[FRAME_HEADER_SIZE]! ^= 1;
      const middle = Buffer.concat([damagedA, b.frame]);
      assert.equal(findLaterFrame(middle, 0), a.frame.length);
      const torn = Buffer.concat([a.frame, b.frame.subarray(0, 20)]);
      assert.equal(findLaterFrame(torn, a.frame.length), -1);
    });

    it('is not fooled by the magic number appearing inside a payload', () => {
      const magic = Buffer.alloc(4);
      magic.writeUInt32LE(0x41504652, 0);
      const payload = Buffer.concat([payloadOf('xx'), magic, Buffer.alloc(60, 7)]);
      const { frame } = encodeFrame(GENESIS_HASH, 1, 1, payload);
      const damaged = Buffer.from(frame);
      damaged[10]! ^= 1; // checksum field: the frame no longer decodes
      assert.equal(findLaterFrame(damaged, 0), -1);
      // sanity: the checksum really covers the body we left alone
      assert.notEqual(damaged.readUInt32LE(8), crc32(damaged.subarray(12)));
    });
  });
});
