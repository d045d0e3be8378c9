// Chaos mode: faults injected around a run's model calls and tool calls — API errors,
// timeouts, killed worker loops, delayed tools — chosen by a seeded generator. Each injection is
// reported (and recorded as an event) so the run's report says what happened and what recovered.
import { ApiaryError } from '../../shared/errors';
import type { CallRequest, CallResult } from '../llm/gatewayTypes';
import type { ToolHost } from './workerTools';
import { WorkerInterrupt } from './workspaceFs';
import { seededRng } from '../learning/rng';

export interface ChaosInjection {
  kind: 'api_error' | 'timeout' | 'kill_worker' | 'delay_tool';
  target: string;
  at: string;
}

export interface ChaosRates {
  apiError: number;
  timeout: number;
  killWorker: number;
  delayTool: number;
  delayMs: number;
  timeoutMs: number;
}

export const DEFAULT_CHAOS: ChaosRates = { apiError: 0.15, timeout: 0.05, killWorker: 0.1, delayTool: 0.2, delayMs: 200, timeoutMs: 300 };

export class ChaosKill extends WorkerInterrupt {}

export class Chaos {
  private readonly random: () => number;
  readonly injected: ChaosInjection[] = [];

  constructor(
    seed: number,
    private readonly report: (i: ChaosInjection) => Promise<void> | void,
    private readonly rates: ChaosRates = DEFAULT_CHAOS,
  ) {
    this.random = seededRng(seed);
  }

  private async inject(kind: ChaosInjection['kind'], target: string): Promise<void> {
    const i = { kind, target, at: new Date().toISOString() };
    this.injected.push(i);
    await this.report(i);
  }

  /** Wraps one model call: sometimes an API error or a timeout instead of the call. */
  async call(req: CallRequest, call: (req: CallRequest) => Promise<CallResult>): Promise<CallResult> {
    const r = this.random();
    if (r < this.rates.apiError) {
      await this.inject('api_error', req.agent);
      throw new ApiaryError('unavailable', 'chaos: injected API error (overloaded)', 'Retry the call.');
    }
    if (r < this.rates.apiError + this.rates.timeout) {
      await this.inject('timeout', req.agent);
      await new Promise((resolve) => setTimeout(resolve, this.rates.timeoutMs));
      throw new ApiaryError('unavailable', `chaos: injected timeout after ${this.rates.timeoutMs} ms`, 'Retry the call.');
    }
    return call(req);
  }

  /** Wraps a worker's tools: sometimes a delay before a tool, sometimes the worker loop killed. */
  wrapTools(host: ToolHost, agent: string): ToolHost {
    const before = async (): Promise<void> => {
      const r = this.random();
      if (r < this.rates.killWorker) {
        await this.inject('kill_worker', agent);
        throw new ChaosKill(`chaos: worker loop of ${agent} killed`);
      }
      if (r < this.rates.killWorker + this.rates.delayTool) {
        await this.inject('delay_tool', agent);
        await new Promise((resolve) => setTimeout(resolve, this.rates.delayMs));
      }
    };
    const fs = host.fs;
    const wrappedFs = Object.create(fs) as typeof fs;
    wrappedFs.write = async (p, c) => (await before(), fs.write(p, c));
    wrappedFs.edit = async (p, o, n) => (await before(), fs.edit(p, o, n));
    wrappedFs.read = async (p) => (await before(), fs.read(p));
    return { ...host, fs: wrappedFs };
  }
}
