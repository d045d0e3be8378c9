// The one way Apiary calls a model. Each call: pick the model (tier → model, around open
// circuit breakers when the caller allows failover), count the prompt, reserve the worst case
// against every budget and record the admission — check and reserve in one synchronous step,
// recorded before anything is sent — then send with our own retries, and settle the actual
// cost from the response's usage. Everything it writes goes through the event sink, scrubbed
// of the API key.
import Anthropic from '@anthropic-ai/sdk';
import type { Message, MessageCreateParamsNonStreaming } from '@anthropic-ai/sdk/resources/messages';
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import { ApiaryError } from '../../shared/errors';
import type { BreakerStatus, BudgetCaps, BudgetOverrideGranted, CostChanged, CostReport, LlmAskResult, LlmCallStarted, LlmEvent, Tier } from '../../shared/llm';
import { LlmEventTypes } from '../../shared/llm';
import { runAttempt } from './attempt';
import { DEFAULT_BREAKER_OPTIONS, type Outcome } from './breaker';
import { BreakerBoard } from './breakerBoard';
import { applyBudgetSettings } from './budgetSettings';
import { breakerOpen, budgetExceeded, callFailed, noApiKey } from './callErrors';
import { cacheTtlOf, messageParams, modelChain, validateCallRequest } from './callRequest';
import { askRequest, askResult, callRecord, callResult } from './callRecords';
import { costOf, normaliseUsage, worstCaseMicros } from './cost';
import { applyCostEvent, foldCostView, pruneCostView, type CostView } from './costView';
import { classifyFailure, type AbortCause, type Failure } from './failures';
import type { CallRequest, CallResult, GatewayOptions } from './gatewayTypes';
import { decideAdmission, expiredReservations, scopesFor } from './ledger';
import type { Clock, LlmEventSink, LlmLog, Sleep } from './ports';
import { realSleep, systemClock } from './ports';
import { loadPricing, type CompiledPrice, type Pricing } from './pricing/priceTable';
import { computeCostReport } from './report';
import { decideRetry, DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry';
import { scrubText, scrubValue } from './scrub';
import { countPromptTokens } from './tokens';

export type { CallRequest, CallResult, GatewayOptions } from './gatewayTypes';

interface Selection {
  model: string;
  tier?: Tier;
  probe: boolean;
  failoverFrom?: string;
}

interface Admitted {
  started: LlmCallStarted;
  params: MessageCreateParamsNonStreaming;
  price: CompiledPrice;
  expiresAtMs: number;
}

const DEFAULT_FAILOVER: Record<Tier, Tier[]> = { small: ['medium', 'large'], medium: ['large', 'small'], large: ['medium', 'small'] };
const DAY_MS = 86_400_000;

export class LlmGateway {
  readonly pricing: Pricing;
  private readonly client?: Anthropic;
  private readonly secrets: string[];
  private readonly sink: LlmEventSink;
  private readonly clock: Clock;
  private readonly sleep: Sleep;
  private readonly random: () => number;
  private readonly log: LlmLog;
  private readonly retry: RetryPolicy;
  private readonly failoverOrder: Record<Tier, Tier[]>;
  private readonly attemptTimeoutMs: number;
  private readonly streamIdleTimeoutMs: number;
  private readonly reservationTtlMs: number;
  private readonly deadlineMarginMs: number;
  private readonly view: CostView;
  private readonly breakers: BreakerBoard;
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly shutdown = new AbortController();
  private closed = false;

  constructor(private readonly opts: GatewayOptions) {
    this.pricing = opts.pricing ?? loadPricing(undefined, opts.tiers ?? {});
    this.secrets = opts.apiKey ? [opts.apiKey] : [];
    this.sink = opts.sink;
    this.clock = opts.clock ?? systemClock;
    this.sleep = opts.sleep ?? realSleep;
    this.random = opts.random ?? Math.random;
    const log = opts.log ?? (() => {});
    this.log = (level, message) => log(level, scrubText(message, this.secrets));
    this.retry = { ...DEFAULT_RETRY_POLICY, ...opts.retry };
    this.breakers = new BreakerBoard({ ...DEFAULT_BREAKER_OPTIONS, ...opts.breaker }, (event, t) => {
      applyCostEvent(this.view, event);
      this.log(t.to === 'open' ? 'warn' : 'info', `Circuit breaker for ${event.data.model}: ${t.from} → ${t.to} (${t.reason}).`);
      this.notify({ reason: 'breaker', model: event.data.model });
    });
    this.failoverOrder = { ...DEFAULT_FAILOVER, ...opts.failoverOrder };
    this.attemptTimeoutMs = opts.attemptTimeoutMs ?? 300_000;
    this.streamIdleTimeoutMs = opts.streamIdleTimeoutMs ?? 90_000;
    const longestAttempt = Math.max(this.attemptTimeoutMs, this.streamIdleTimeoutMs);
    this.reservationTtlMs =
      opts.reservationTtlMs ?? this.retry.maxAttempts * longestAttempt + (this.retry.maxAttempts - 1) * this.retry.maxServerDelayMs + 60_000;
    // The call is stopped a little before its reservation lapses, so a reservation never
    // expires under a call that is still spending.
    this.deadlineMarginMs = Math.min(30_000, Math.floor(this.reservationTtlMs / 10));
    if (opts.apiKey) {
      this.client = new Anthropic({ apiKey: opts.apiKey, baseURL: opts.baseURL, maxRetries: 0, timeout: this.attemptTimeoutMs, logLevel: 'off' });
    }
    // Every call in flight listens for shutdown; there may be many at once.
    setMaxListeners(0, this.shutdown.signal);
    this.view = foldCostView(opts.history ?? []);
    this.breakers.restore(this.view.breakers.values());
  }

  // ── public API ──────────────────────────────────────────────────────────────────────────

  /** One model call, budget-checked, breaker-aware, retried, cost-tracked. */
  call(req: CallRequest): Promise<CallResult> {
    const p = this.run(req);
    this.inflight.add(p);
    p.finally(() => this.inflight.delete(p)).catch(() => {});
    return p;
  }

  /** The `apiary/llm/ask` request: one prompt, one answer. */
  async ask(params: unknown, ctx: { agent: string; signal?: AbortSignal }): Promise<LlmAskResult> {
    return askResult(await this.call(askRequest(params, ctx.agent, ctx.signal)));
  }

  /** Sets caps (USD; null removes one, absent keeps it) and records them. Returns the caps in force. */
  async configureBudgets(settings: unknown): Promise<BudgetCaps> {
    const caps = applyBudgetSettings(this.view.ledger.caps, settings);
    await this.appendOrThrow([{ type: LlmEventTypes.budgetConfigured, data: { caps } }]);
    this.notify({ reason: 'budget' });
    return { ...caps };
  }

  /** Lifts one budget's cap for the next call that would exceed it (an approved "exceed a budget"). */
  async grantOverride(grant: Omit<BudgetOverrideGranted, 'overrideId'> & { overrideId?: string }): Promise<string> {
    const overrideId = grant.overrideId ?? `ovr_${randomUUID()}`;
    await this.appendOrThrow([{ type: LlmEventTypes.overrideGranted, data: { ...grant, overrideId } }]);
    this.notify({ reason: 'budget' });
    return overrideId;
  }

  /** Records the expiry of every reservation past its deadline; returns how many. */
  async sweepExpired(): Promise<number> {
    const now = this.clock.now();
    const expired = expiredReservations(this.view.ledger, now);
    if (expired.length === 0) return 0;
    const events: LlmEvent[] = expired.map((r) => ({
      type: LlmEventTypes.reservationExpired,
      data: { callId: r.callId, amountMicros: r.amountMicros, expiredAt: new Date(now).toISOString() },
    }));
    for (const e of events) applyCostEvent(this.view, e);
    await this.emit(events);
    this.notify({ reason: 'expired' });
    return expired.length;
  }

  report(): CostReport {
    const now = this.clock.now();
    pruneCostView(this.view, now - 31 * DAY_MS);
    return computeCostReport({
      now,
      pricing: this.pricing,
      calls: this.view.calls,
      failures: this.view.failures,
      ledger: this.view.ledger,
      breakers: this.breakerStatuses(),
      ...(this.opts.epicOf ? { epicOf: this.opts.epicOf } : {}),
    });
  }

  breakerStatuses(): BreakerStatus[] {
    return this.breakers.statuses();
  }

  /** The live cost view (ledger, settled calls, failures); read-only by convention. */
  costView(): Readonly<CostView> {
    return this.view;
  }

  /** Stops taking calls, cancels those in flight (recorded as failed) and waits for them. */
  async close(): Promise<void> {
    this.closed = true;
    this.shutdown.abort();
    await Promise.allSettled([...this.inflight]);
  }

  // ── one call ────────────────────────────────────────────────────────────────────────────

  private async run(req: CallRequest): Promise<CallResult> {
    try {
      if (this.closed) throw new ApiaryError('unavailable', 'The LLM gateway has shut down.', 'Start the host again.');
      validateCallRequest(req, this.pricing, this.maxTokensOf(req));
      if (!this.client) throw noApiKey();
      await this.sweepExpired();
      const sel = this.select(req);
      let adm: Admitted;
      try {
        adm = await this.admitCall(req, sel);
      } catch (err) {
        this.recordBreaker(sel.model, 'neutral', sel.probe);
        throw err;
      }
      return await this.execute(req, sel, adm);
    } catch (err) {
      if (this.breakers.hasPending) await this.emit([]);
      throw this.scrubError(err);
    }
  }

  private maxTokensOf(req: CallRequest): number {
    return req.maxTokens ?? this.opts.defaultMaxTokens ?? 4096;
  }

  /** The first model of the call's chain whose breaker lets it through. */
  private select(req: CallRequest): Selection {
    const now = this.clock.now();
    const chain = modelChain(req, this.pricing, this.failoverOrder);
    const primary = chain[0]!.model;
    const refused: Array<{ model: string; retryAt?: number; probing: boolean }> = [];
    for (const c of chain) {
      const a = this.breakers.admit(c.model, now);
      if (a.admitted) {
        const sel: Selection = { model: c.model, probe: a.probe };
        if (c.tier) sel.tier = c.tier;
        if (c.model !== primary) sel.failoverFrom = primary;
        return sel;
      }
      const probing = a.next.state === 'half-open';
      refused.push({ model: c.model, probing, ...(a.retryAt !== undefined && !probing ? { retryAt: a.retryAt } : {}) });
    }
    throw breakerOpen(refused, req.failover === true);
  }

  private async admitCall(req: CallRequest, sel: Selection): Promise<Admitted> {
    const maxTokens = this.maxTokensOf(req);
    const cacheTtl = cacheTtlOf(req);
    const params = messageParams(req, sel.model, maxTokens);
    const signal = AbortSignal.any([this.shutdown.signal, ...(req.signal ? [req.signal] : [])]);
    const client = this.opts.tokenCounting === 'estimate' ? undefined : this.client;
    const counted = await countPromptTokens(client, params, signal, (why) => this.log('warn', `count_tokens failed, estimating the prompt size instead: ${why}`)).catch(() => undefined);
    if (!counted || signal.aborted) throw new ApiaryError('unavailable', 'The call was cancelled before it was sent.', 'Nothing was charged.');

    // From here to the append nothing is awaited: the budget check and the reservation are one
    // step, so concurrent calls in this process see each other's reservations.
    const now = this.clock.now();
    const price = this.pricing.price(sel.model)!;
    const scopes = scopesFor(now, req.cell, req.run);
    const amountMicros = worstCaseMicros({ price, inputTokens: counted.tokens, maxTokens, ...(cacheTtl ? { cacheTtl } : {}), geoPercent: this.pricing.maxGeoPercent });
    const decision = decideAdmission(this.view.ledger, scopes, amountMicros, now);
    if (!decision.ok) throw budgetExceeded(decision.refusal, sel.model, sel.tier);
    const expiresAtMs = now + this.reservationTtlMs;
    const started: LlmCallStarted = {
      callId: `call_${randomUUID()}`,
      startedAt: new Date(now).toISOString(),
      model: sel.model,
      agent: req.agent,
      stream: req.stream === true || req.onText !== undefined,
      maxTokens,
      inputTokens: counted.tokens,
      inputTokensSource: counted.source,
      reservation: { amountMicros, scopes, expiresAt: new Date(expiresAtMs).toISOString() },
      overridesUsed: decision.overridesUsed,
    };
    if (sel.tier) started.tier = sel.tier;
    if (req.cell !== undefined) started.cell = req.cell;
    if (req.run !== undefined) started.run = req.run;
    if (req.epic !== undefined) started.epic = req.epic;
    if (sel.failoverFrom) started.failoverFrom = sel.failoverFrom;
    const usedOverrides = decision.overridesUsed.map((id) => this.view.ledger.overrides.get(id)!);
    applyCostEvent(this.view, { type: LlmEventTypes.callStarted, data: started });

    const breakerEvents = this.breakers.take();
    try {
      await this.sink.append(scrubValue([...breakerEvents, { type: LlmEventTypes.callStarted, data: started }], this.secrets));
    } catch (err) {
      // Not recorded, so not admitted: undo the reservation and give the overrides back.
      this.view.ledger.open.delete(started.callId);
      for (const o of usedOverrides) this.view.ledger.overrides.set(o.overrideId, o);
      this.breakers.giveBack(breakerEvents);
      throw new ApiaryError('unavailable', `The call could not be recorded, so it was not sent: ${err instanceof Error ? err.message : String(err)}`, 'The event store refused the write; see the host log.');
    }
    return { started, params, price, expiresAtMs };
  }

  private async execute(req: CallRequest, sel: Selection, adm: Admitted): Promise<CallResult> {
    const t0 = performance.now();
    const deadlineAtMs = adm.expiresAtMs - this.deadlineMarginMs;
    const signals = [this.shutdown.signal, ...(req.signal ? [req.signal] : [])];
    let probe = sel.probe;
    for (let attempt = 1; ; attempt++) {
      if (attempt > 1) {
        const now = this.clock.now();
        const a = this.breakers.admit(sel.model, now);
        if (!a.admitted) {
          const f: Failure = { kind: 'breaker_open', retryable: false, countsForBreaker: false, message: `the circuit breaker for ${sel.model} opened during the call` };
          return this.fail(adm, f, attempt - 1, t0);
        }
        probe = a.probe;
      }
      const res = await runAttempt({
        client: this.client!,
        params: adm.params,
        stream: adm.started.stream,
        ...(req.onText ? { onText: req.onText } : {}),
        timeoutMs: adm.started.stream ? this.streamIdleTimeoutMs : this.attemptTimeoutMs,
        deadlineInMs: deadlineAtMs - this.clock.now(),
        signals,
        shutdownSignal: this.shutdown.signal,
      });
      const now = this.clock.now();
      if (res.ok) {
        this.recordBreaker(sel.model, 'success', probe);
        return this.settle(adm, res.message, attempt, t0);
      }
      const failure = classifyFailure(res.error, res.cause, now);
      this.recordBreaker(sel.model, failure.countsForBreaker ? 'failure' : 'neutral', probe);
      probe = false;
      // Text already handed to the caller cannot be taken back, so a broken stream is not replayed.
      const retryable = failure.retryable && !res.textEmitted;
      const decision = decideRetry({ retryable, attempt, ...(failure.retryAfterMs !== undefined ? { retryAfterMs: failure.retryAfterMs } : {}), remainingMs: deadlineAtMs - now }, this.retry, this.random);
      if (!decision.retry) {
        const reason = retryable ? decision.reason : res.textEmitted && failure.retryable ? 'the stream broke after text was delivered' : undefined;
        return this.fail(adm, failure, attempt, t0, reason, res.partialUsage);
      }
      await this.emit([
        {
          type: LlmEventTypes.callRetried,
          data: { callId: adm.started.callId, attempt, kind: failure.kind, ...(failure.status !== undefined ? { status: failure.status } : {}), delayMs: decision.delayMs, serverDelay: decision.serverDelay },
        },
      ]);
      try {
        await this.sleep(decision.delayMs, AbortSignal.any(signals));
      } catch {
        const cause: AbortCause = this.shutdown.signal.aborted ? 'shutdown' : 'caller';
        return this.fail(adm, classifyFailure(undefined, cause, this.clock.now()), attempt, t0);
      }
    }
  }

  private async settle(adm: Admitted, message: Message, attempts: number, t0: number): Promise<CallResult> {
    const s = adm.started;
    const usage = normaliseUsage(message.usage);
    const cost = costOf(usage, adm.price, this.pricing.geoPercent(usage.inferenceGeo));
    if (cost.totalMicros > s.reservation.amountMicros) {
      this.log('warn', `Call ${s.callId} cost ${cost.totalMicros} µ$, more than its reservation of ${s.reservation.amountMicros} µ$.`);
    }
    const rec = callRecord({ started: s, message, usage, cost, settledAt: new Date(this.clock.now()).toISOString(), latencyMs: Math.round(performance.now() - t0), attempts });
    const event: LlmEvent = { type: LlmEventTypes.callSettled, data: { callId: s.callId, scopes: s.reservation.scopes, record: rec } };
    applyCostEvent(this.view, event);
    await this.emit([event]);
    this.notify({ reason: 'settled', callId: s.callId, model: s.model });
    return callResult(rec, message);
  }

  private async fail(adm: Admitted, f: Failure, attempts: number, t0: number, reason?: string, partialUsage?: Message['usage']): Promise<never> {
    const s = adm.started;
    // A stream that broke after it started may have been billed for what it reported so far.
    const costMicros = partialUsage ? costOf(normaliseUsage(partialUsage), adm.price, this.pricing.geoPercent(partialUsage.inference_geo ?? undefined)).totalMicros : 0;
    const event: LlmEvent = {
      type: LlmEventTypes.callFailed,
      data: {
        callId: s.callId,
        scopes: s.reservation.scopes,
        failedAt: new Date(this.clock.now()).toISOString(),
        model: s.model,
        agent: s.agent,
        attempts,
        latencyMs: Math.round(performance.now() - t0),
        kind: f.kind,
        ...(f.status !== undefined ? { status: f.status } : {}),
        message: scrubText(f.message, this.secrets),
        costMicros,
      },
    };
    applyCostEvent(this.view, event);
    await this.emit([event]);
    this.notify({ reason: 'failed', callId: s.callId, model: s.model });
    throw callFailed(f, { callId: s.callId, model: s.model, attempts, ...(reason ? { reason } : {}) });
  }

  // ── breakers, events, scrubbing ─────────────────────────────────────────────────────────

  private recordBreaker(model: string, outcome: Outcome, probe: boolean): void {
    this.breakers.record(model, outcome, probe, this.clock.now());
  }

  /** Appends (with any pending breaker changes first); a failure is logged, not thrown. */
  private async emit(events: LlmEvent[]): Promise<void> {
    const all = [...this.breakers.take(), ...events];
    if (all.length === 0) return;
    try {
      await this.sink.append(scrubValue(all, this.secrets));
    } catch (err) {
      this.log('error', `Could not record ${all.map((e) => e.type).join(', ')}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Appends, then applies: for settings, which must not take effect unrecorded. */
  private async appendOrThrow(events: LlmEvent[]): Promise<void> {
    try {
      await this.sink.append(scrubValue([...this.breakers.take(), ...events], this.secrets));
    } catch (err) {
      throw this.scrubError(new ApiaryError('unavailable', `Could not record the change: ${err instanceof Error ? err.message : String(err)}`, 'The event store refused the write; see the host log.'));
    }
    for (const e of events) applyCostEvent(this.view, e);
  }

  private notify(change: CostChanged): void {
    try {
      this.opts.onChange?.(change);
    } catch (err) {
      this.log('warn', `A cost listener failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private scrubError(err: unknown): ApiaryError {
    if (err instanceof ApiaryError) {
      const details = err.details ? scrubValue(err.details, this.secrets) : undefined;
      return new ApiaryError(err.code, scrubText(err.message, this.secrets), err.hint ? scrubText(err.hint, this.secrets) : undefined, details);
    }
    return new ApiaryError('internal', scrubText(err instanceof Error ? err.message : String(err), this.secrets), 'See the host log.');
  }
}
