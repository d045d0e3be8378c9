// The map the stream index keeps its streams and ids in: asked by string or by the key's UTF-8
// bytes where they lie in a buffer, it must answer exactly as a Map<string, number> would.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BytesMap } from '../../../server/store/bytesMap';

/** Any string, lone surrogates included: what an agent could send as a mailbox name or an event id. */
const anyKey = fc.string({ unit: fc.oneof(fc.constantFrom('\uD800', '\uDC00', '\uFFFD', 'é', '😀'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength: 8 });

describe('BytesMap', () => {
  it('answers as a Map does, for any keys set and asked in any order', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(anyKey, fc.integer({ min: 0, max: 2 ** 40 }))), fc.array(anyKey), (sets, asks) => {
        const map = new BytesMap();
        const model = new Map<string, number>();
        for (const [k, v] of sets) {
          map.set(k, v);
          model.set(k, v);
        }
        assert.equal(map.size, model.size);
        for (const k of [...asks, ...model.keys()]) assert.equal(map.get(k), model.get(k), JSON.stringify(k));
        assert.deepEqual(new Map(map.entries()), model);
      }),
      { numRuns: 500 },
    );
  });

  it('finds by bytes in a buffer what was set by string, and the other way round', () => {
    const map = new BytesMap();
    map.set('task-7', 3);
    const buf = Buffer.from('..."stream":"task-7","stream":"tâche-ü"');
    const at = buf.indexOf('task-7');
    assert.equal(map.getBytes(buf, at, at + 'task-7'.length), 3);
    const from = buf.indexOf('tâche');
    const to = from + Buffer.byteLength('tâche-ü');
    map.setBytes(buf, from, to, 9);
    assert.equal(map.get('tâche-ü'), 9);
    assert.equal(map.getBytes(buf, at, at + 4), undefined, 'a prefix is another key');
  });

  it('keeps keys apart that UTF-8 cannot tell apart: lone surrogates and the replacement character', () => {
    const map = new BytesMap();
    map.set('\uD800', 1);
    map.set('\uDC00', 2);
    map.set('\uFFFD', 3);
    map.set('a\uD800b', 4);
    assert.deepEqual([map.get('\uD800'), map.get('\uDC00'), map.get('\uFFFD'), map.get('a\uD800b'), map.get('a\uFFFDb')], [1, 2, 3, 4, undefined]);
    assert.equal(map.size, 4);
  });

  it('grows to hundreds of thousands of keys, keeps the order they came in, and updates in place', () => {
    const map = new BytesMap();
    const n = 200_000;
    for (let i = 0; i < n; i++) map.set(`mail:agent-${i % 16}:m${i}`, i);
    for (let i = 0; i < n; i += 7) map.set(`mail:agent-${i % 16}:m${i}`, -i);
    assert.equal(map.size, n);
    for (let i = 0; i < n; i += 997) assert.equal(map.get(`mail:agent-${i % 16}:m${i}`), i % 7 === 0 ? -i : i);
    let i = 0;
    for (const [key, value] of map.entries()) {
      assert.equal(key, `mail:agent-${i % 16}:m${i}`);
      assert.equal(value, i % 7 === 0 ? -i : i);
      i++;
    }
    assert.equal(i, n);
  });

  it('comes back from its bytes (as snapshots store it) answering the same, and goes on growing', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(anyKey, fc.integer({ min: 0, max: 2 ** 40 }))), fc.array(fc.tuple(anyKey, fc.nat())), (before, after) => {
        const map = new BytesMap();
        const model = new Map<string, number>();
        for (const [k, v] of before) {
          map.set(k, v);
          model.set(k, v);
        }
        const back = BytesMap.fromBytes(map.toBytes());
        for (const [k, v] of after) {
          back.set(k, v);
          model.set(k, v);
        }
        assert.equal(back.size, model.size);
        for (const k of model.keys()) assert.equal(back.get(k), model.get(k), JSON.stringify(k));
        assert.deepEqual(new Map(back.entries()), model);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses bytes that are not a stored map, or one cut short', () => {
    const map = new BytesMap();
    for (let i = 0; i < 100; i++) map.set(`stream-${i}`, i);
    const bytes = map.toBytes();
    assert.throws(() => BytesMap.fromBytes(Buffer.from('not a map at all')), /not a stored map/);
    assert.throws(() => BytesMap.fromBytes(bytes.subarray(0, bytes.length - 700)), /cut short/);
    const altered = Buffer.from(bytes);
    altered.writeInt32LE(999, 16 + 100 * 4); // the first key's length
    assert.throws(() => BytesMap.fromBytes(altered), /do not add up|cut short/);
  });

  it('takes long keys, and numbers up to 2^53', () => {
    const map = new BytesMap();
    const long = 'é'.repeat(5000);
    map.set(long, Number.MAX_SAFE_INTEGER);
    map.set('', 0);
    assert.equal(map.get(long), Number.MAX_SAFE_INTEGER);
    assert.equal(map.get(long.slice(1)), undefined);
    assert.equal(map.get(''), 0);
  });
});
