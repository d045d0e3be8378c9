// Runs a hive decision against the read model and appends its events to HIVE_STREAM atomically.
//
// The store's stream version counts appends still on their way to disk, while the read model
// holds only committed events. So a decision first waits until the hive stream's committed
// version catches up, decides synchronously on that state, and appends expecting exactly that
// version: a racing append makes it fail with `wrong_expected_version`, and the decision is made
// again on the fresh state. Two agents claiming one cell: one append lands, the other re-decides
// and is refused because the cell is now claimed.
import { ApiaryError } from '../../shared/errors';
import { HIVE_STREAM, type HiveNewEvent } from '../../shared/hive';
import type { Store } from '../store/store';

const MAX_ATTEMPTS = 200;

export interface HiveDecision<R> {
  events: readonly HiveNewEvent[];
  /** Computed after the append, on the read model that now holds the events. */
  result: () => R;
}

export class HiveWriter {
  private committed: number;
  private waiting: Array<() => void> = [];
  private readonly off: () => void;

  constructor(private readonly store: Store) {
    this.committed = store.events.version(HIVE_STREAM);
    // Registered after the store's own listener, so the read model has applied these events.
    this.off = store.events.onCommitted((events) => {
      for (const e of events) if (e.stream === HIVE_STREAM) this.committed = e.version;
      const waiting = this.waiting;
      this.waiting = [];
      for (const w of waiting) w();
    });
  }

  /** The hive stream's version the read model reflects. */
  get version(): number {
    return this.committed;
  }

  /** Resolves once the read model holds every hive event appended so far. */
  async settle(): Promise<void> {
    while (this.committed !== this.store.events.version(HIVE_STREAM)) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  /**
   * Decides on the caught-up read model and appends the events as one transaction, re-deciding
   * on a lost race. Refusals thrown by `decide` propagate and write nothing.
   */
  async commit<R>(decide: () => HiveDecision<R>, actor: string): Promise<R> {
    for (let attempt = 1; ; attempt++) {
      await this.settle();
      const decision = decide();
      if (decision.events.length === 0) return decision.result();
      try {
        await this.store.events.append(
          HIVE_STREAM,
          decision.events.map((e) => ({ type: e.type, data: e.data })),
          this.committed,
          { actor },
        );
        return decision.result();
      } catch (err) {
        if (!(err instanceof ApiaryError && err.code === 'wrong_expected_version') || attempt >= MAX_ATTEMPTS) throw err;
      }
    }
  }

  dispose(): void {
    this.off();
    const waiting = this.waiting;
    this.waiting = [];
    for (const w of waiting) w();
  }
}
