// The structured refusals the gateway throws: each names what happened, with a hint a person
// or a model can act on. Messages are scrubbed of secrets by the gateway before they leave.
import { ApiaryError } from '../../shared/errors';
import type { BudgetScope, Tier } from '../../shared/llm';
import { formatUsd } from '../../shared/llm';
import type { Failure } from './failures';
import type { BudgetRefusal } from './ledger';

function budgetName(scope: BudgetScope, key: string): string {
  switch (scope) {
    case 'day':
      return `daily budget (UTC ${key})`;
    case 'month':
      return `monthly cap (${key})`;
    case 'cell':
      return `budget of cell ${key}`;
    case 'run':
      return `budget of swarm run ${key}`;
  }
}

export function budgetExceeded(r: BudgetRefusal, model: string, tier: Tier | undefined): ApiaryError {
  return new ApiaryError(
    'budget_exceeded',
    `The ${budgetName(r.scope, r.key)} would be exceeded: cap ${formatUsd(r.capMicros)}, spent ${formatUsd(r.spentMicros)}, ` +
      `reserved by calls in flight ${formatUsd(r.reservedMicros)}, and this call could cost up to ${formatUsd(r.requestedMicros)} on ${model}. Nothing was sent.`,
    'Lower maxTokens or use a smaller tier, wait for calls in flight to settle, raise the cap, or request an "exceed a budget" approval to lift it once.',
    {
      budget: { scope: r.scope, key: r.key, capMicros: r.capMicros, spentMicros: r.spentMicros, reservedMicros: r.reservedMicros, requestedMicros: r.requestedMicros },
      model,
      ...(tier ? { tier } : {}),
    },
  );
}

export function breakerOpen(models: Array<{ model: string; retryAt?: number; probing: boolean }>, failoverAllowed: boolean): ApiaryError {
  const first = models[0]!;
  const when = first.retryAt !== undefined ? ` until ${new Date(first.retryAt).toISOString()}` : '';
  return new ApiaryError(
    'unavailable',
    models.length === 1
      ? first.probing
        ? `The circuit breaker for ${first.model} is half-open and a probe call is testing the model; the call was not sent.`
        : `The circuit breaker for ${first.model} is open${when}: it failed repeatedly, so the call was not sent.`
      : `Every model the call may use has an open circuit breaker (${models.map((m) => m.model).join(', ')}); nothing was sent.`,
    failoverAllowed ? 'Wait for the cool-down; a probe call will then test the model again.' : 'Pass failover: true to let another tier take the call, or wait for the cool-down.',
    { models: models.map((m) => ({ model: m.model, ...(m.retryAt !== undefined ? { retryAt: new Date(m.retryAt).toISOString() } : {}) })) },
  );
}

export function callFailed(f: Failure, ctx: { callId: string; model: string; attempts: number; reason?: string }): ApiaryError {
  const details = { callId: ctx.callId, model: ctx.model, attempts: ctx.attempts, kind: f.kind, ...(f.status !== undefined ? { status: f.status } : {}) };
  const tail = ctx.reason ? ` (${ctx.reason})` : '';
  switch (f.kind) {
    case 'request_error':
      return new ApiaryError('invalid_params', `The Messages API refused the request: ${f.message}`, 'Check the model id, max_tokens and the shape of the messages and tools.', details);
    case 'auth':
      return new ApiaryError('forbidden', `The Messages API did not accept the API key: ${f.message}`, 'Set a valid key with "Apiary: Set Anthropic API Key", or ANTHROPIC_API_KEY for a headless host.', details);
    case 'aborted':
      return new ApiaryError('unavailable', f.message, 'Nothing more will be charged for this call; send it again when ready.', details);
    case 'unknown':
      return new ApiaryError('internal', `The call failed: ${f.message}`, 'See the host log; the call was recorded as failed.', details);
    default:
      return new ApiaryError(
        'unavailable',
        `The call to ${ctx.model} failed after ${ctx.attempts} attempt${ctx.attempts === 1 ? '' : 's'}: ${f.message}${tail}`,
        f.kind === 'breaker_open' ? 'Pass failover: true to let another tier take calls, or retry after the cool-down.' : 'The service is unavailable or slow; retry later, or pass failover: true to allow another tier.',
        details,
      );
  }
}

export function noApiKey(): ApiaryError {
  return new ApiaryError('forbidden', 'No Anthropic API key is configured, so the call was not sent.', 'Run "Apiary: Set Anthropic API Key", or set ANTHROPIC_API_KEY for a headless host.');
}
