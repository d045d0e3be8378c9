// Runs a coordination decision against the read model and appends its events atomically.
//
// The read model only reflects committed events, while the store's stream versions already
// count appends still on their way to disk. So a decision waits until the coordination streams'
// committed versions catch up with the store's, decides synchronously on that state, and
// appends with exactly those versions expected: an append that raced another writer fails with
// `wrong_expected_version` and the decision is made again on the fresh state. This is what lets
// fifty racing exclusive reserves end with exactly one holder.
import { type CoordinationEvent, CoordinationStreams } from '../../shared/coordination';
import { ApiaryError } from '../../shared/errors';
import type { NewEvent } from '../../shared/events';
import type { AppendOp } from '../store/eventStore';
import type { Store } from '../store/store';
import type { Decision } from './core/decision';

const STREAMS: readonly string[] = Object.values(CoordinationStreams);
const MAX_ATTEMPTS = 100;

export class DecisionWriter {
  private readonly committed = new Map<string, number>();
  private waiting: Array<() => void> = [];
  private readonly off: () => void;

  constructor(private readonly store: Store) {
    for (const s of STREAMS) this.committed.set(s, store.events.version(s));
    // Registered after the store's own listener, so the read model has applied these events.
    this.off = store.events.onCommitted((events) => {
      for (const e of events) if (this.committed.has(e.stream)) this.committed.set(e.stream, e.version);
      const waiting = this.waiting;
      this.waiting = [];
      for (const w of waiting) w();
    });
  }

  /** True when the read model holds every event appended to the coordination streams so far. */
  caughtUp(): boolean {
    return STREAMS.every((s) => this.committed.get(s) === this.store.events.version(s));
  }

  /** Resolves once the read model has caught up (at once when it has). */
  async settle(): Promise<void> {
    while (!this.caughtUp()) await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  /**
   * Decides (synchronously, on the caught-up read model) and appends the decision's events as
   * one transaction; retried from the decision on a lost race. Refusals thrown by `decide`
   * propagate and write nothing.
   */
  async commit<R>(decide: () => Decision<R>, actor: string): Promise<R> {
    for (let attempt = 1; ; attempt++) {
      await this.settle();
      const decision = decide();
      if (decision.events.length === 0) return decision.result;
      try {
        await this.store.events.appendMany(this.ops(decision.events), { actor });
        return decision.result;
      } catch (err) {
        if (!(err instanceof ApiaryError && err.code === 'wrong_expected_version') || attempt >= MAX_ATTEMPTS) throw err;
      }
    }
  }

  /** Appends events decided elsewhere (sweeps), with the same expected-version check. */
  async append(decide: () => CoordinationEvent[], actor: string): Promise<number> {
    return this.commit(() => {
      const events = decide();
      return { events, result: events.length };
    }, actor);
  }

  dispose(): void {
    this.off();
    const waiting = this.waiting;
    this.waiting = [];
    for (const w of waiting) w();
  }

  /** One op per stream, in first-appearance order, each expecting the version the decision saw. */
  private ops(events: readonly CoordinationEvent[]): AppendOp[] {
    const byStream = new Map<string, NewEvent[]>();
    for (const e of events) {
      const list = byStream.get(e.stream) ?? [];
      list.push({ ...(e.id !== undefined ? { id: e.id } : {}), type: e.type, data: e.data });
      byStream.set(e.stream, list);
    }
    return [...byStream].map(([stream, list]) => ({
      stream,
      events: list,
      expectedVersion: this.committed.get(stream) ?? this.store.events.version(stream),
    }));
  }
}
