// Test doubles for the gateway's ports (an in-memory event sink, a hand-driven clock, a sleep
// that records what it was asked to wait), a fixed price table, and a factory wiring a
// gateway to the fake Messages API.
import type { LlmEvent, LlmEventDataMap, LlmEventType, Tier } from '../../../shared/llm';
import { LlmGateway, type GatewayOptions } from '../../../server/llm/gateway';
import type { Clock, LlmEventSink, Sleep } from '../../../server/llm/ports';
import { loadPricing } from '../../../server/llm/pricing/priceTable';
import { startMessagesApi, type MessagesApi } from '../../support/messagesApi';

export class MemorySink implements LlmEventSink {
  readonly events: LlmEvent[] = [];
  /** Every append call, as one batch each. */
  readonly batches: LlmEvent[][] = [];
  /** Simulates a dead process: appends are accepted and lost. */
  frozen = false;
  /** Simulates a store that refuses writes. */
  failing = false;

  async append(events: LlmEvent[]): Promise<void> {
    if (this.failing) throw new Error('the store is unavailable');
    if (this.frozen) return;
    // Stored as JSON, like the log: nothing shares references with the gateway.
    const copy = JSON.parse(JSON.stringify(events)) as LlmEvent[];
    this.batches.push(copy);
    this.events.push(...copy);
  }

  ofType<T extends LlmEventType>(type: T): Array<LlmEventDataMap[T]> {
    return this.events.filter((e) => e.type === type).map((e) => e.data as LlmEventDataMap[T]);
  }
}

export class ManualClock implements Clock {
  constructor(public ms = Date.parse('2026-11-21T12:00:00.000Z')) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

/** A sleep that returns at once and remembers each requested delay. */
export function recordingSleep(): { sleep: Sleep; delays: number[] } {
  const delays: number[] = [];
  const sleep: Sleep = async (ms, signal) => {
    delays.push(ms);
    if (signal?.aborted) throw new Error('aborted');
  };
  return { sleep, delays };
}

/** Round numbers so expected costs are easy to check by hand (USD per million tokens). */
export const TEST_PRICES = {
  asOf: '2026-11-21',
  source: 'test fixture',
  currency: 'USD',
  tiers: { small: 'test-small', medium: 'test-medium', large: 'test-large' },
  geoMultipliers: { us: 1.1 },
  models: {
    'test-small': { label: 'Small', input: 1, output: 5, cacheWrite5m: 1.25, cacheWrite1h: 2, cacheRead: 0.1 },
    'test-medium': { label: 'Medium', input: 3, output: 15, cacheWrite5m: 3.75, cacheWrite1h: 6, cacheRead: 0.3 },
    'test-large': { label: 'Large', input: 15, output: 75, cacheWrite5m: 18.75, cacheWrite1h: 30, cacheRead: 1.5 },
    'test-banded': {
      label: 'Banded',
      input: 0.1, output: 0.5, cacheWrite5m: 0.125, cacheWrite1h: 0.2, cacheRead: 0.01,
      longPrompt: { thresholdTokens: 100_000, input: 0.5, output: 2.5, cacheWrite5m: 0.625, cacheWrite1h: 1, cacheRead: 0.05 },
    },
  },
};

export const testPricing = (tiers: Partial<Record<Tier, string>> = {}) => loadPricing(TEST_PRICES, tiers);

export const TEST_API_KEY = 'sk-ant-api03-TESTKEY-q7Zr2xWv9LmN4pK8sT1uY6oB3cD5eF0g';

export interface Rig {
  api: MessagesApi;
  sink: MemorySink;
  clock: ManualClock;
  delays: number[];
  gateway: LlmGateway;
  /** A second gateway over the same recorded events (a restarted host). */
  restart(extra?: Partial<GatewayOptions>): LlmGateway;
  close(): Promise<void>;
}

export async function rig(extra: Partial<GatewayOptions> = {}): Promise<Rig> {
  const api = await startMessagesApi();
  const sink = new MemorySink();
  const clock = new ManualClock();
  const { sleep, delays } = recordingSleep();
  const base: GatewayOptions = { apiKey: TEST_API_KEY, baseURL: api.url, sink, clock, sleep, random: () => 0.5, pricing: testPricing() };
  const gateway = new LlmGateway({ ...base, ...extra });
  const others: LlmGateway[] = [];
  return {
    api,
    sink,
    clock,
    delays,
    gateway,
    restart: (more = {}) => {
      const g = new LlmGateway({ ...base, ...extra, history: [...sink.events], ...more });
      others.push(g);
      return g;
    },
    close: async () => {
      await api.close();
      await Promise.all([gateway, ...others].map((g) => g.close()));
    },
  };
}

export const user = (text: string) => [{ role: 'user' as const, content: text }];
