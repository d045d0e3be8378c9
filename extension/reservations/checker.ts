// Who holds a path, asked of the host (which resolves every glob, negation and brace against the
// path), batched and cached: the explorer asks for dozens of files at once, so the questions of
// one tick travel in one `apiary/lock/check`, and answers stay cached until reservations change.
import * as vscode from 'vscode';
import { LockCheckRequest, type PathCheck } from '../../shared/coordination';
import type { HostClient } from '../client';
import type { CoordinationModel } from '../agents/model';

const BATCH_DELAY_MS = 15;
const MAX_BATCH = 1000;

export class PathChecker implements vscode.Disposable {
  private cache = new Map<string, PathCheck>();
  private queue = new Map<string, Array<(c: PathCheck | undefined) => void>>();
  private timer: NodeJS.Timeout | undefined;
  /** Bumped on every change, so an answer to an older question is not cached. */
  private generation = 0;

  constructor(
    private readonly client: HostClient,
    private readonly model: CoordinationModel,
    private readonly agent: () => string,
    private readonly log: (message: string) => void = () => {},
  ) {}

  /** Forgets every answer (reservations or this window's agent changed). */
  invalidate(): void {
    this.generation++;
    this.cache = new Map();
  }

  cached(path: string): PathCheck | undefined {
    return this.cache.get(path);
  }

  /** The host's answer for a workspace-relative path; undefined when the host cannot be asked. */
  check(path: string): Promise<PathCheck | undefined> {
    const hit = this.cache.get(path);
    if (hit) return Promise.resolve(hit);
    // Nothing is reserved anywhere: no need to ask.
    if (this.model.loaded && this.model.reservations.length === 0) return Promise.resolve({ path, holders: [], blocked: false });
    if (this.client.state.kind !== 'ready') return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const waiting = this.queue.get(path);
      if (waiting) waiting.push(resolve);
      else this.queue.set(path, [resolve]);
      this.timer ??= setTimeout(() => void this.flush(), BATCH_DELAY_MS);
    });
  }

  private async flush(): Promise<void> {
    this.timer = undefined;
    const batch = [...this.queue].slice(0, MAX_BATCH);
    for (const [path] of batch) this.queue.delete(path);
    if (this.queue.size > 0) this.timer = setTimeout(() => void this.flush(), 0);
    const generation = this.generation;
    let answers: PathCheck[] | undefined;
    try {
      answers = (await this.client.request(LockCheckRequest, { agent: this.agent(), paths: batch.map(([p]) => p) })).paths;
    } catch (err) {
      this.log(`Checking ${batch.length} path(s) for reservations failed: ${err instanceof Error ? err.message : String(err)}`);
      answers = undefined;
    }
    batch.forEach(([path, waiters], i) => {
      const answer = answers?.[i];
      if (answer && generation === this.generation) this.cache.set(path, answer);
      for (const w of waiters) w(answer);
    });
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const waiters of this.queue.values()) for (const w of waiters) w(undefined);
    this.queue.clear();
  }
}
