// Reading an event's type from its payload without decoding it: a rebuild of one read model
// skips the frames of types it does not handle. It must never name a wrong type; when it cannot
// tell, it says so (null) and the frame is decoded.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { peekType } from '../../../server/store/eventStore';
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
