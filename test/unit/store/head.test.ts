// Reading an event's head (id, stream, version, position, type) from its payload without decoding
// it: a replay indexes and routes most events from their heads, and a rebuild of one read model
// skips the frames of types it does not handle. It may never misread; when it cannot read plainly
// it says so and the frame is decoded.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { newHead, readHead, TypeNames } from '../../../server/store/head';
import { isGeneratedId } from '../../../server/store/streamIndex';
import type { EventEnvelope } from '../../../shared/events';

const envelope = (over: Partial<EventEnvelope> = {}): EventEnvelope => ({
  id: 'evt_1',
  stream: 'notes',
  version: 1,
  position: 1,
  type: 'note.added',
  ts: '2026-11-21T10:00:00.000Z',
  actor: 'ann',
  causationId: null,
  correlationId: null,
  data: { text: 'hello' },
  ...over,
});
const payload = (e: EventEnvelope): Buffer => Buffer.from(JSON.stringify([e]));

/** The head of a whole payload as strings, as readHead finds it; null when it cannot read it. */
function peekHead(payload: Buffer): { id: string | null; stream: string; version: number; position: number; type: string } | null {
  const h = newHead();
  if (!readHead(payload, 0, payload.length, h)) return null;
  return {
    id: h.idStart < 0 ? null : payload.toString('utf8', h.idStart, h.idEnd),
    stream: payload.toString('utf8', h.streamStart, h.streamEnd),
    version: h.version,
    position: h.position,
    type: payload.toString('utf8', h.typeStart, h.typeEnd),
  };
}

const head = (e: EventEnvelope) => ({ id: isGeneratedId(e.id) ? null : e.id, stream: e.stream, version: e.version, position: e.position, type: e.type });

describe('readHead, as strings', () => {
  it('reads the head of a one-event payload as the store writes it', () => {
    const e = envelope({ stream: 'tâche-ü', id: 'mail:inbox:m1', version: 1_000_000, position: 2 ** 40 });
    assert.deepEqual(peekHead(payload(envelope())), head(envelope()));
    assert.deepEqual(peekHead(payload(e)), head(e));
  });

  it('does not read an id the store generated (null): no retry can carry one, so the index keeps none', () => {
    assert.equal(peekHead(payload(envelope({ id: 'evt_0f9c2d4e-5b1a-4c3e-9d7f-2a6b8c0e1f3a' })))!.id, null);
    assert.equal(peekHead(payload(envelope({ id: 'evt-not-the-prefix' })))!.id, 'evt-not-the-prefix');
    assert.equal(peekHead(payload(envelope({ id: 'ev' })))!.id, 'ev');
  });

  it('is not fooled by a "type" inside the data, or by ids and streams that look like keys', () => {
    assert.equal(peekHead(payload(envelope({ data: { type: 'decoy', nested: { type: 'deeper' } } })))!.type, 'note.added');
    const e = envelope({ id: ',"type":"decoy', stream: '","version":9,"position":9,"type":"x' });
    assert.equal(peekHead(payload(e)), null, 'the quotes in them are escaped, so they are not read');
  });

  it('gives up (null) on strings it would have to unescape, and on other shapes', () => {
    assert.equal(peekHead(payload(envelope({ stream: 'say "hi"' }))), null);
    assert.equal(peekHead(payload(envelope({ id: 'back\\slash' }))), null);
    assert.equal(peekHead(Buffer.from('[{"id":"x","stream":"s","version":"1","position":1,"type":"t"}]')), null);
    assert.equal(peekHead(Buffer.from('[{"id":"x","stream":"s","version":1,"type":"t"}]')), null);
    assert.equal(peekHead(Buffer.from('[{"id":"x","stream":"s","version":1,"position":1,"type":"t')), null, 'cut short');
    assert.equal(peekHead(Buffer.from('')), null);
  });

  it('reads exactly what JSON.parse reads, or nothing, for any envelope', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 12 });
    fc.assert(
      fc.property(text, text, text, fc.nat(), fc.nat(), fc.jsonValue(), (id, stream, type, version, position, data) => {
        const e = envelope({ id, stream, type, version, position, data });
        const got = peekHead(payload(e));
        if (got !== null) assert.deepEqual(got, head(e));
        else assert.ok(/["\\\u0000-\u001f]/.test(id + stream + type), 'only strings needing escapes are refused');
      }),
      { numRuns: 500 },
    );
  });
});

describe('readHead', () => {
  it('reads a head where the payload lies inside a larger buffer, as offsets into it', () => {
    const e = envelope({ id: 'mail:inbox:m1', stream: 'tâche-ü', version: 7, position: 42, type: 'mailbox.sent' });
    const p = payload(e);
    const buf = Buffer.concat([Buffer.from('x'.repeat(13)), p, Buffer.from('[{"id":"after"')]);
    const h = newHead();
    assert.equal(readHead(buf, 13, 13 + p.length, h), true);
    assert.equal(buf.toString('utf8', h.idStart, h.idEnd), 'mail:inbox:m1');
    assert.equal(buf.toString('utf8', h.streamStart, h.streamEnd), 'tâche-ü');
    assert.equal(buf.toString('utf8', h.typeStart, h.typeEnd), 'mailbox.sent');
    assert.deepEqual([h.version, h.position], [7, 42]);
  });

  it('does not read past the end it is given', () => {
    const p = payload(envelope());
    const typeEnd = p.indexOf('","ts"');
    const h = newHead();
    assert.equal(readHead(p, 0, typeEnd, h), false, 'the closing quote of the type lies beyond the end');
    assert.equal(readHead(p, 0, typeEnd + 1, h), true);
  });

  it('marks an id the store generated as not read (idStart -1)', () => {
    const p = payload(envelope({ id: 'evt_42' }));
    const h = newHead();
    assert.equal(readHead(p, 0, p.length, h), true);
    assert.equal(h.idStart, -1);
  });
});

describe('TypeNames', () => {
  it('gives each head its own type, however the types repeat and interleave', () => {
    const types = new TypeNames();
    const h = newHead();
    const seen = ['a.one', 'b.two', 'a.one', 'hive.cell.créé', 'b.two'].map((type) => {
      const p = payload(envelope({ type }));
      assert.ok(readHead(p, 0, p.length, h));
      return types.of(p, h);
    });
    assert.deepEqual(seen, ['a.one', 'b.two', 'a.one', 'hive.cell.créé', 'b.two']);
  });
});
