// Restart delays for the host connection: doubling from a base up to a cap, forgiven once the
// connection has stayed healthy for a while. Pure (the caller passes the clock) so it is testable.

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  /** A connection that stayed up this long counts as healthy: the next failure starts over. */
  healthyAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1_000, maxMs: 30_000, healthyAfterMs: 60_000 };

export class Backoff {
  private failures = 0;
  private upSince: number | undefined;

  constructor(private readonly options: BackoffOptions = DEFAULT_BACKOFF) {}

  /** The connection is up (at `now`). */
  succeeded(now: number): void {
    this.upSince = now;
  }

  /** The connection failed (at `now`): returns how long to wait before the next attempt. */
  failed(now: number): number {
    if (this.upSince !== undefined && now - this.upSince >= this.options.healthyAfterMs) this.failures = 0;
    this.upSince = undefined;
    const delay = Math.min(this.options.maxMs, this.options.baseMs * 2 ** Math.min(this.failures, 30));
    this.failures++;
    return delay;
  }

  /** Consecutive failures since the last healthy stretch. */
  get attempts(): number {
    return this.failures;
  }

  reset(): void {
    this.failures = 0;
    this.upSince = undefined;
  }
}
