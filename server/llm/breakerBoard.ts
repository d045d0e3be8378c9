// The breakers of every model the gateway has called, with each state change turned into an
// `llm.breaker.changed` event waiting to be appended with the next write.
import type { BreakerStatus, LlmEvent } from '../../shared/llm';
import { LlmEventTypes } from '../../shared/llm';
import { admit, CLOSED, record, type Admission, type Breaker, type BreakerOptions, type Outcome, type Transition } from './breaker';

export class BreakerBoard {
  private readonly breakers = new Map<string, Breaker>();
  private pending: LlmEvent[] = [];

  constructor(
    readonly options: BreakerOptions,
    private readonly onChange: (event: Extract<LlmEvent, { type: 'llm.breaker.changed' }>, t: Transition) => void,
  ) {}

  /** Restores breakers from their last recorded states (a restarted host). */
  restore(statuses: Iterable<BreakerStatus>): void {
    for (const s of statuses) {
      const b: Breaker = { state: s.state, consecutiveFailures: s.consecutiveFailures, probeInFlight: false };
      if (s.openedAt !== undefined) b.openedAt = Date.parse(s.openedAt);
      this.breakers.set(s.model, b);
    }
  }

  admit(model: string, now: number): Admission {
    const a = admit(this.breakers.get(model) ?? CLOSED, now, this.options);
    this.set(model, a.next, a.transitions, now);
    return a;
  }

  record(model: string, outcome: Outcome, probe: boolean, now: number): void {
    const r = record(this.breakers.get(model) ?? CLOSED, outcome, probe, now, this.options);
    this.set(model, r.next, r.transitions, now);
  }

  /** Breaker changes not yet appended; the caller owns them now. */
  take(): LlmEvent[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }

  /** Puts back events whose append failed, ahead of newer ones. */
  giveBack(events: LlmEvent[]): void {
    this.pending.unshift(...events);
  }

  get hasPending(): boolean {
    return this.pending.length > 0;
  }

  statuses(): BreakerStatus[] {
    return [...this.breakers.entries()].map(([model, b]) => {
      const s: BreakerStatus = { model, state: b.state, consecutiveFailures: b.consecutiveFailures };
      if (b.state !== 'closed' && b.openedAt !== undefined) {
        s.openedAt = new Date(b.openedAt).toISOString();
        if (b.state === 'open') s.retryAt = new Date(b.openedAt + this.options.cooldownMs).toISOString();
      }
      return s;
    });
  }

  private set(model: string, next: Breaker, transitions: Transition[], now: number): void {
    this.breakers.set(model, next);
    for (const t of transitions) {
      const data = { model, from: t.from, to: t.to, consecutiveFailures: next.consecutiveFailures, at: new Date(now).toISOString(), reason: t.reason };
      const event = {
        type: LlmEventTypes.breakerChanged,
        data: t.to === 'open' ? { ...data, retryAt: new Date(now + this.options.cooldownMs).toISOString() } : data,
      };
      this.pending.push(event);
      this.onChange(event, t);
    }
  }
}
