// Reading an event's head (id, stream, version, position, type) from its payload without decoding
// it: a replay indexes and routes most events this way. It must never misread a head; when it
// cannot read one plainly it says so (null) and the payload is decoded instead.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { peekHead } from '../../../server/store/eventStore';
import type { EventEnvelope } from '../../../shared/events';

const envelope = (over: Partial<EventEnvelope> = {}): EventEnvelope => ({
  id: 'evt_1',
  stream: 'notes',
  version: 3,
  position: 41,
  type: 'note.added',
  ts: '2026-11-21T10:00:00.000Z',
  actor: 'ann',
  causationId: null,
  correlationId: null,
  data: { text: 'hello' },
  ...over,
});
const payload = (e: EventEnvelope): Buffer => Buffer.from(JSON.stringify([e]));
const head = (e: EventEnvelope) => ({ id: e.id, stream: e.stream, version: e.version, position: e.position, type: e.type });

describe('peekHead', () => {
  it('reads the head of a one-event payload as the store writes it', () => {
    const e = envelope({ stream: 'tâche-ü', id: 'mail:inbox:m1', version: 1_000_000, position: 2 ** 40 });
    assert.deepEqual(peekHead(payload(e)), head(e));
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
