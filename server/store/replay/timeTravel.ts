// Time travel on replay workers. One host serves every agent of the workspace from one thread, so
// a fold of a long log (seconds for a million events) or a query that never ends must not run
// there: each request gets a worker of its own, which reads the committed log itself (fold.ts),
// and a query still running after `queryTimeoutMs` is stopped by ending its worker.
import type { Worker } from 'node:worker_threads';
import { ApiaryError } from '../../../shared/errors';
import type { ReplayResult } from '../../../shared/protocol';
import type { FromReplayWorker, ToReplayWorker } from './protocol';

export type FoldJob = Omit<Extract<ToReplayWorker, { kind: 'fold' }>, 'kind'>;

export interface TimeTravelOptions {
  /** How long a query may run once the fold is done (default 30 s). */
  queryTimeoutMs?: number;
  /** Folds running at once; more wait their turn (default 2: each holds its own copy of the read models). */
  max?: number;
}

export const DEFAULT_QUERY_TIMEOUT_MS = 30_000;

export class TimeTravel {
  private readonly running = new Set<Worker>();
  private readonly waiting: Array<() => void> = [];
  private active = 0;
  private stopped = false;

  constructor(
    private readonly spawn: () => Worker,
    private readonly opts: TimeTravelOptions = {},
  ) {}

  async run(job: FoldJob): Promise<ReplayResult> {
    if (this.active >= (this.opts.max ?? 2)) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active += 1;
    try {
      return await this.onWorker(job);
    } finally {
      this.active -= 1;
      this.waiting.shift()?.();
    }
  }

  /** Ends every fold under way: their requests fail as "unavailable". */
  stop(): void {
    this.stopped = true;
    for (const w of this.running) void w.terminate();
    for (const resolve of this.waiting.splice(0)) resolve();
  }

  private onWorker(job: FoldJob): Promise<ReplayResult> {
    const timeoutMs = this.opts.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      if (this.stopped) return reject(closed());
      let worker: Worker;
      try {
        worker = this.spawn();
      } catch (err) {
        return reject(new ApiaryError('internal', `could not start a replay worker: ${(err as Error).message}`));
      }
      this.running.add(worker);
      let timer: NodeJS.Timeout | undefined;
      let settled = false;
      const settle = (outcome: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.running.delete(worker);
        void worker.terminate();
        outcome();
      };
      worker.on('message', (m: FromReplayWorker) => {
        switch (m.kind) {
          case 'querying':
            timer = setTimeout(
              () =>
                settle(() =>
                  reject(
                    new ApiaryError(
                      'invalid_params',
                      `the replay query ran for more than ${formatSeconds(timeoutMs)} and was stopped`,
                      'Narrow the query (a LIMIT, a WHERE, fewer joins) and try again.',
                    ),
                  ),
                ),
              timeoutMs,
            );
            return;
          case 'folded':
            return settle(() => resolve(m.result));
          case 'refused':
            return settle(() => reject(new ApiaryError(m.error.code, m.error.message, m.error.hint, m.error.details)));
          case 'failed':
            return settle(() => reject(new ApiaryError('internal', `the replay worker failed: ${m.message}`)));
          default:
            return; // read-model faults are the fold's to keep: it reports tables as they stand
        }
      });
      worker.on('error', (err) => settle(() => reject(this.stopped ? closed() : new ApiaryError('internal', `the replay worker failed: ${err.message}`))));
      worker.on('exit', (code) => settle(() => reject(this.stopped ? closed() : new ApiaryError('internal', `the replay worker exited (code ${code})`))));
      worker.postMessage({ kind: 'fold', ...job } satisfies ToReplayWorker);
    });
  }
}

function closed(): ApiaryError {
  return new ApiaryError('unavailable', 'the store closed during the replay', 'Ask again once the agent host is running.');
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
