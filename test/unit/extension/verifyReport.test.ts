// What "Apiary: Verify Event Log" tells the user: a one-line answer for the notification (intact,
// or where it fails and why), and the whole report for the log.
import assert from 'node:assert/strict';
import { verifyMessage } from '../../../extension/verifyReport';

describe('the verify notification (verifyMessage)', () => {
  it('says an intact log is intact in one short line, and logs its size and head hash', () => {
    const m = verifyMessage({ ok: true, records: 998_001, events: 1_012_501, segments: 7, headHash: 'ab'.repeat(32) });
    assert.equal(m.ok, true);
    assert.equal(m.text, 'Apiary: the event log is intact (1,012,501 events).');
    assert.equal(m.detail, `Event log verified: 1,012,501 events in 998,001 records across 7 segments; head hash ${'ab'.repeat(32)}.`);
    assert.match(verifyMessage({ ok: true, records: 1, events: 1, segments: 1, headHash: 'cd'.repeat(32) }).detail, /1 event in 1 record across 1 segment;/);
  });

  it('says where a damaged log fails and why, and logs the segment, byte and what before it verifies', () => {
    const m = verifyMessage({
      ok: false,
      records: 41,
      events: 42,
      segments: 2,
      headHash: '00'.repeat(32),
      problem: { position: 43, segment: '00000000000000000001.seg', offset: 17_408, reason: 'hash chain broken: the record was altered' },
    });
    assert.equal(m.ok, false);
    assert.equal(m.text, 'Apiary: the event log does not verify at position 43: hash chain broken: the record was altered.');
    assert.equal(m.detail, 'Event log damaged at position 43 (00000000000000000001.seg, byte 17,408): hash chain broken: the record was altered. The 42 events before it verify (41 records).');
    const first = verifyMessage({ ok: false, records: 0, events: 0, segments: 1, headHash: '00'.repeat(32), problem: { position: 1, segment: 's', offset: 64, reason: 'bad frame magic' } });
    assert.equal(first.detail, 'Event log damaged at position 1 (s, byte 64): bad frame magic. Nothing before it.');
  });
});
