// The words of "Apiary: Verify Event Log" (verifyLog.ts), apart from the window so they are
// specified without one. A toast shows one line, so `text` is short; `detail` goes to the log.
import { counted } from '../shared/counted';
import type { VerifyReport } from '../shared/protocol';

export function verifyMessage(r: VerifyReport): { ok: boolean; text: string; detail: string } {
  const size = `${counted(r.events, 'event')} in ${counted(r.records, 'record')} across ${counted(r.segments, 'segment')}`;
  if (r.ok) {
    return { ok: true, text: `Apiary: the event log is intact (${counted(r.events, 'event')}).`, detail: `Event log verified: ${size}; head hash ${r.headHash}.` };
  }
  const p = r.problem;
  return {
    ok: false,
    text: p ? `Apiary: the event log does not verify at position ${p.position.toLocaleString('en-US')}: ${p.reason}.` : 'Apiary: the event log does not verify.',
    detail:
      `Event log damaged${p ? ` at position ${p.position.toLocaleString('en-US')} (${p.segment}, byte ${p.offset.toLocaleString('en-US')}): ${p.reason}` : ''}.` +
      (r.events === 0 ? ' Nothing before it.' : ` The ${counted(r.events, 'event')} before it verify (${counted(r.records, 'record')}).`),
  };
}
