// Reading an event's type, or its whole head (id, stream, version, position, type), from its
// payload without decoding it: a rebuild of one read model skips the frames of types it does not
// handle, and a replay indexes and routes most events from their heads. Neither may ever misread;
// when they cannot read plainly they say so (null) and the frame is decoded.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { peekHead, peekType } from '../../../server/store/eventStore';
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

describe('peekType', () => {
  it("reads a one-event payload's type as the store writes it", () => {
    assert.equal(peekType(payload(envelope())), 'note.added');
    assert.equal(peekType(payload(envelope({ type: 'hive.cell.créé' }))), 'hive.cell.créé');
  });

  it('is not fooled by a "type" inside the data, or by ids and streams that look like keys', () => {
    assert.equal(peekType(payload(envelope({ data: { type: 'decoy', nested: { type: 'deeper' } } }))), 'note.added');
    assert.equal(peekType(payload(envelope({ id: ',"type":"decoy', stream: '","type":"x' }))), 'note.added');
  });

  it("gives up (null) on a type it would have to unescape, and on a payload not in the writer's shape", () => {
    assert.equal(peekType(payload(envelope({ type: 'say "hi"' }))), null);
    assert.equal(peekType(Buffer.from('[{"kind":"note.added"}]')), null);
  });

  it('names the right type or none, for any envelope', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), fc.jsonValue(), (id, stream, type, data) => {
        const e = envelope({ id, stream, type, data });
        const seen = peekType(payload(e));
        assert.ok(seen === null || seen === type, `peeked ${JSON.stringify(seen)} for type ${JSON.stringify(type)}`);
        // JSON.stringify escapes quotes, backslashes and control characters; anything else is read.
        if (!/["\\\u0000-\u001f]/.test(type)) assert.equal(seen, type, 'a plain type is always read');
      }),
      { numRuns: 500 },
    );
  });
});

const head = (e: EventEnvelope) => ({ id: isGeneratedId(e.id) ? null : e.id, stream: e.stream, version: e.version, position: e.position, type: e.type });

describe('peekHead', () => {
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
