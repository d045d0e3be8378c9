// The gateway's event sink backed by the host's event store: one batch is one transaction (all
// or none, in order). A call's events go to its own stream (`llm-<callId>`), breaker changes to
// `llm-breakers`, budget settings and overrides to `llm-budgets` — streams the feature owns, so
// no generic append can forge them. The actor is whoever the request runs for.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { LlmEvent } from '../../shared/llm';
import { LlmEventTypes } from '../../shared/llm';
import type { AppendOp, EventStore } from '../store/eventStore';
import type { LlmEventSink } from './ports';
import { LLM_STREAM_PREFIX } from './historyProjection';

/** The agent or client a piece of work runs for; appends made inside `run` carry it as actor. */
export const llmActor = new AsyncLocalStorage<string>();

const HOST_ACTOR = 'apiary-host';

export function streamOf(event: LlmEvent): string {
  switch (event.type) {
    case LlmEventTypes.breakerChanged:
      return `${LLM_STREAM_PREFIX}breakers`;
    case LlmEventTypes.budgetConfigured:
    case LlmEventTypes.overrideGranted:
      return `${LLM_STREAM_PREFIX}budgets`;
    default:
      return `${LLM_STREAM_PREFIX}${event.data.callId}`;
  }
}

/** Consecutive events of one stream become one op, so the order of the batch is kept. */
export function appendOps(events: LlmEvent[]): AppendOp[] {
  const ops: AppendOp[] = [];
  for (const e of events) {
    const stream = streamOf(e);
    const last = ops[ops.length - 1];
    if (last && last.stream === stream) last.events.push({ type: e.type, data: e.data });
    else ops.push({ stream, events: [{ type: e.type, data: e.data }] });
  }
  return ops;
}

export function storeSink(events: Pick<EventStore, 'appendMany'>): LlmEventSink {
  return {
    async append(batch) {
      if (batch.length === 0) return;
      const started = batch.find((e) => e.type === LlmEventTypes.callStarted);
      const actor = llmActor.getStore() ?? (started?.type === LlmEventTypes.callStarted ? started.data.agent : HOST_ACTOR);
      await events.appendMany(appendOps(batch), { actor });
    },
  };
}
