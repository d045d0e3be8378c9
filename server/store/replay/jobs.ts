// One-off jobs on replay workers: time travel (fold the read models up to a point, describe them,
// run a query) and the audit of the hash chain. One host serves every agent of the workspace from
// one thread, so work that takes seconds on a long log (a fold of a million events, hashing
// 400 MB) or that may never end (a runaway query) must not run there. Each job gets a worker of its
// own, which reads the committed log itself (segmentLog.ts `readFrames`, `verifyLog`); a query
// still running after `queryTimeoutMs` is stopped by ending its worker.
import type { Worker } from 'node:worker_threads';
import { ApiaryError } from '../../../shared/errors';
import type { ReplayResult, VerifyReport } from '../../../shared/protocol';
import type { FromReplayWorker, ToReplayWorker } from './protocol';

export type FoldJob = Omit<Extract<ToReplayWorker, { kind: 'fold' }>, 'kind'>;
export type VerifyJob = Omit<Extract<ToReplayWorker, { kind: 'verify' }>, 'kind'>;

export interface ReplayJobOptions {
  /** How long a time-travel query may run once its fold is done (default 30 s). */
  queryTimeoutMs?: number;
  /** Jobs running at once; more wait their turn (default 2: a fold holds its own copy of the read models). */
  max?: number;
}

export const DEFAULT_QUERY_TIMEOUT_MS = 30_000;

export class ReplayJobs {
  private readonly running = new Set<Worker>();
  private readonly waiting: Array<() => void> = [];
  private active = 0;
  private stopped = false;

  constructor(
    private readonly spawn: () => Worker,
    private readonly opts: ReplayJobOptions = {},
  ) {}

  fold(job: FoldJob): Promise<ReplayResult> {
    return this.run({ kind: 'fold', ...job }, (m) => (m.kind === 'folded' ? m.result : undefined));
  }

  verify(job: VerifyJob): Promise<VerifyReport> {
    return this.run({ kind: 'verify', ...job }, (m) => (m.kind === 'verified' ? m.report : undefined));
  }

  /** Ends every job under way: their requests fail as "unavailable". */
  stop(): void {
    this.stopped = true;
    for (const w of this.running) void w.terminate();
    for (const resolve of this.waiting.splice(0)) resolve();
  }

  private async run<T>(message: ToReplayWorker, answer: (m: FromReplayWorker) => T | undefined): Promise<T> {
    if (this.active >= (this.opts.max ?? 2)) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active += 1;
    try {
      return await this.onWorker(message, answer);
    } finally {
      this.active -= 1;
      this.waiting.shift()?.();
    }
  }

  private onWorker<T>(message: ToReplayWorker, answer: (m: FromReplayWorker) => T | undefined): Promise<T> {
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
      const failed = (reason: string): ApiaryError => (this.stopped ? closed() : new ApiaryError('internal', `the replay worker ${reason}`));
      worker.on('message', (m: FromReplayWorker) => {
        const value = answer(m);
        if (value !== undefined) return settle(() => resolve(value));
        switch (m.kind) {
          case 'querying':
            timer = setTimeout(() => settle(() => reject(tooLong(timeoutMs))), timeoutMs);
            return;
          case 'refused':
            return settle(() => reject(new ApiaryError(m.error.code, m.error.message, m.error.hint, m.error.details)));
          case 'failed':
            return settle(() => reject(failed(`failed: ${m.message}`)));
          default:
            return; // read-model faults are the fold's to keep: it reports tables as they stand
        }
      });
      worker.on('error', (err) => settle(() => reject(failed(`failed: ${err.message}`))));
      worker.on('exit', (code) => settle(() => reject(failed(`exited (code ${code})`))));
      worker.postMessage(message);
    });
  }
}

function tooLong(ms: number): ApiaryError {
  const seconds = ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
  return new ApiaryError('invalid_params', `the replay query ran for more than ${seconds} and was stopped`, 'Narrow the query (a LIMIT, a WHERE, fewer joins) and try again.');
}

function closed(): ApiaryError {
  return new ApiaryError('unavailable', 'the store closed while a replay worker was at work', 'Ask again once the agent host is running.');
}
