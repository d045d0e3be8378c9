// The host's one LLM gateway, kept behind a small service so its key, endpoint and tier models
// can change while the host runs. A gateway is built with its settings, so a change builds a
// new one — but only once the old one has nothing in flight, and with new work held back
// meanwhile: exactly one gateway admits calls at any moment, and the new one is folded from a
// history that already holds everything the old one wrote. That keeps check-and-reserve in
// one place, which is what stops concurrent calls from overshooting a cap.
import type { BudgetCaps, BudgetOverrideGranted, CostChanged, CostReport, LlmAskResult, LlmConfigState, LlmConfigureParams } from '../../shared/llm';
import { LlmGateway, type CallRequest, type CallResult, type GatewayOptions } from './gateway';
import type { Clock, LlmEventSink, LlmLog } from './ports';
import { applyConfigure, displayUrl, effectiveConfig, sameConfig, type ClientLlmSettings, type EffectiveLlmConfig, type LlmEnv } from './settings';

/** Gateway options a host may tune (tests shorten timeouts, reservations and cool-downs). */
export type GatewayTuning = Partial<Omit<GatewayOptions, 'sink' | 'history' | 'apiKey' | 'baseURL' | 'tiers' | 'clock' | 'log' | 'onChange' | 'epicOf'>>;

export interface LlmServiceDeps {
  sink: LlmEventSink;
  /** The LLM events recorded so far, in log order; read each time a gateway is built. */
  history: () => Iterable<{ type: string; data: unknown }>;
  env: LlmEnv;
  clock: Clock;
  log: LlmLog;
  onChange: (change: CostChanged) => void;
  epicOf?: (cell: string) => string | undefined;
  tuning?: GatewayTuning;
}

export class LlmService {
  private gateway: LlmGateway;
  private config: EffectiveLlmConfig;
  private settings: ClientLlmSettings = { models: {} };
  private inflight = 0;
  private idleWaiters: Array<() => void> = [];
  private swapping: Promise<void> | null = null;
  private closed = false;

  constructor(private readonly deps: LlmServiceDeps) {
    this.config = effectiveConfig(this.settings, deps.env);
    this.gateway = this.build(this.config);
  }

  // ── calls ───────────────────────────────────────────────────────────────────────────────

  /** One model call through the gateway (see LlmGateway.call). */
  call(req: CallRequest): Promise<CallResult> {
    return this.withGateway((g) => g.call(req));
  }

  /** The `apiary/llm/ask` request. */
  ask(params: unknown, ctx: { agent: string; signal?: AbortSignal }): Promise<LlmAskResult> {
    return this.withGateway((g) => g.ask(params, ctx));
  }

  configureBudgets(settings: unknown): Promise<BudgetCaps> {
    return this.withGateway((g) => g.configureBudgets(settings));
  }

  grantOverride(grant: Omit<BudgetOverrideGranted, 'overrideId'> & { overrideId?: string }): Promise<string> {
    return this.withGateway((g) => g.grantOverride(grant));
  }

  sweepExpired(): Promise<number> {
    return this.withGateway((g) => g.sweepExpired());
  }

  // ── views ───────────────────────────────────────────────────────────────────────────────

  report(): CostReport {
    return this.gateway.report();
  }

  budgets(): BudgetCaps {
    return { ...this.gateway.costView().ledger.caps };
  }

  state(): LlmConfigState {
    const target = effectiveConfig(this.settings, this.deps.env);
    return {
      apiKey: target.apiKeySource,
      baseUrl: displayUrl(target.baseURL),
      baseUrlSource: target.baseUrlSource,
      tiers: { ...this.gateway.pricing.tiers, ...withoutUndefined(target.tiers) },
      pending: this.swapping !== null,
    };
  }

  // ── settings ────────────────────────────────────────────────────────────────────────────

  /**
   * Applies new settings from a client. Validated first (a refusal changes nothing); the new
   * gateway takes over once the calls in flight have finished.
   */
  configure(params: LlmConfigureParams): LlmConfigState {
    this.settings = applyConfigure(this.settings, params);
    const target = effectiveConfig(this.settings, this.deps.env);
    if (!sameConfig(target, this.config)) {
      this.deps.log('info', describeChange(this.config, target));
      this.swap();
    }
    const state = this.state();
    this.deps.onChange({ reason: 'config' });
    return state;
  }

  /** Stops taking calls and ends those in flight (recorded as failed). */
  async close(): Promise<void> {
    this.closed = true;
    await this.gateway.close();
    await this.swapping?.catch(() => {});
  }

  // ── internals ───────────────────────────────────────────────────────────────────────────

  private build(config: EffectiveLlmConfig): LlmGateway {
    const d = this.deps;
    const opts: GatewayOptions = {
      ...d.tuning,
      sink: d.sink,
      history: d.history(),
      tiers: config.tiers,
      clock: d.clock,
      log: d.log,
      onChange: d.onChange,
    };
    if (config.apiKey) opts.apiKey = config.apiKey;
    if (config.baseURL) opts.baseURL = config.baseURL;
    if (d.epicOf) opts.epicOf = d.epicOf;
    return new LlmGateway(opts);
  }

  /** Runs `fn` on the gateway in charge; counted as in flight (taken synchronously, so a swap can't slip in). */
  private async withGateway<T>(fn: (g: LlmGateway) => Promise<T>): Promise<T> {
    while (this.swapping && !this.closed) await this.swapping.catch(() => {});
    this.inflight++;
    try {
      return await fn(this.gateway);
    } finally {
      this.inflight--;
      if (this.inflight === 0) for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  private whenIdle(): Promise<void> {
    return this.inflight === 0 ? Promise.resolve() : new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private swap(): void {
    if (this.swapping) return; // the running swap builds from the settings in force when it gets there
    this.swapping = (async () => {
      for (;;) {
        await this.whenIdle();
        if (this.closed) return;
        const target = effectiveConfig(this.settings, this.deps.env);
        if (sameConfig(target, this.config)) return;
        await this.gateway.close();
        if (this.closed) return;
        this.gateway = this.build(target);
        this.config = target;
      }
    })()
      .catch((err: unknown) => this.deps.log('error', `Could not apply the new LLM settings: ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => {
        this.swapping = null;
        this.deps.onChange({ reason: 'config' });
      });
  }
}

function withoutUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** A log line about new settings that names sources, never the key. */
function describeChange(from: EffectiveLlmConfig, to: EffectiveLlmConfig): string {
  const parts: string[] = [];
  if (from.apiKey !== to.apiKey) parts.push(`API key from ${to.apiKeySource === 'client' ? 'a client' : to.apiKeySource === 'environment' ? 'ANTHROPIC_API_KEY' : 'nowhere (calls are refused)'}`);
  if (from.baseURL !== to.baseURL) parts.push(`endpoint ${displayUrl(to.baseURL) ?? 'the public API'}`);
  const tiers = Object.entries(to.tiers).map(([t, m]) => `${t}=${m}`);
  if (JSON.stringify(from.tiers) !== JSON.stringify(to.tiers)) parts.push(tiers.length ? `tier models ${tiers.join(', ')}` : 'default tier models');
  return `LLM settings changed: ${parts.join('; ')}. They apply once calls in flight finish.`;
}
