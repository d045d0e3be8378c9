// Agent mail decisions. Sending resolves recipients (named agents, or every other agent for a
// broadcast) and threads; the inbox is a peek that changes nothing; reading marks read; acking
// is idempotent and implies read. Queries supply the entries these decisions act on.
import {
  type CoordinationEvent,
  CoordinationStreams,
  type Importance,
  type InboxEntry,
  type MailMessage,
} from '../../../shared/coordination';
import type { mailSendParamsSchema } from '../../../shared/coordinationSchemas';
import { ApiaryError } from '../../../shared/errors';
import type { z } from 'zod';
import { type AgentRecord, findAgent, requireAgent } from './agents';
import type { Decision } from './decision';
import { iso } from './policy';

export type MailSendInput = z.output<typeof mailSendParamsSchema>;

export interface SendContext {
  now: number;
  newId(): string;
}

export function decideSend(
  state: {
    agents: readonly AgentRecord[];
    /** The message named by request.replyTo, when there is one. */
    replyTo?: MailMessage | null;
    /** An earlier message from the same sender with the same idempotency key. */
    earlier?: MailMessage | null;
  },
  request: MailSendInput,
  ctx: SendContext,
): Decision<{ message: MailMessage }> {
  const from = requireAgent(state.agents, request.from, 'sender').name;
  if (state.earlier) return { events: [], result: { message: state.earlier } };

  let to: string[];
  if (request.broadcast) {
    to = state.agents.filter((a) => a.name !== from).map((a) => a.name);
    if (to.length === 0) {
      throw new ApiaryError('invalid_params', 'No one else is registered to receive a broadcast', 'Send it once other agents have registered.');
    }
  } else {
    const wanted = request.to ?? [];
    const unknown = wanted.filter((n) => !findAgent(state.agents, n));
    if (unknown.length > 0) {
      const known = state.agents.map((a) => a.name).slice(0, 20);
      throw new ApiaryError(
        'not_found',
        `No agent named ${unknown.join(', ')}`,
        known.length > 0 ? `Known agents: ${known.join(', ')}.` : 'No agents are registered yet.',
        { unknown },
      );
    }
    to = [...new Set(wanted.map((n) => (findAgent(state.agents, n) as AgentRecord).name))];
  }

  let thread = request.thread;
  if (request.replyTo !== undefined) {
    if (!state.replyTo || state.replyTo.id !== request.replyTo) {
      throw new ApiaryError('not_found', `No message ${request.replyTo} to reply to`, 'Reply to an id from mail inbox or mail thread.', {
        replyTo: request.replyTo,
      });
    }
    thread ??= state.replyTo.thread;
  }
  const id = ctx.newId();
  const message: MailMessage = {
    id,
    from,
    to,
    broadcast: request.broadcast,
    subject: request.subject,
    body: request.body,
    thread: thread ?? id,
    replyTo: request.replyTo ?? null,
    importance: request.importance,
    ackRequired: request.ackRequired,
    sentAt: iso(ctx.now),
  };
  const key = request.idempotencyKey ?? null;
  const event: CoordinationEvent = {
    stream: CoordinationStreams.mail,
    ...(key === null ? {} : { id: `mail:${from}:${key}` }),
    type: 'mail.sent',
    data: { message, idempotencyKey: key },
  };
  return { events: [event], result: { message } };
}

/** A message the host itself writes on someone's behalf (force-release, override notices). */
export function notice(
  from: string,
  to: string,
  subject: string,
  body: string,
  importance: Importance,
  ctx: SendContext,
): CoordinationEvent<'mail.sent'> {
  const id = ctx.newId();
  const message: MailMessage = {
    id,
    from,
    to: [to],
    broadcast: false,
    subject,
    body,
    thread: id,
    replyTo: null,
    importance,
    ackRequired: false,
    sentAt: iso(ctx.now),
  };
  return { stream: CoordinationStreams.mail, type: 'mail.sent', data: { message, idempotencyKey: null } };
}

/**
 * Marks entries read. `entries` are the agent's inbox entries for `requestedIds` (or its unread
 * ones when no ids were given); ids asked for but not in the inbox are refused.
 */
export function decideRead(
  agent: string,
  requestedIds: readonly string[] | undefined,
  entries: readonly InboxEntry[],
  ctx: { now: number },
): Decision<{ entries: InboxEntry[] }> {
  if (requestedIds !== undefined) {
    const present = new Set(entries.map((e) => e.message.id));
    const missing = requestedIds.filter((id) => !present.has(id));
    if (missing.length > 0) {
      throw new ApiaryError('not_found', `No message ${missing.join(', ')} in ${agent}'s inbox`, 'Use ids from mail inbox.', { missing });
    }
  }
  const at = iso(ctx.now);
  const unread = entries.filter((e) => e.state === 'unread').map((e) => e.message.id);
  const events: CoordinationEvent[] =
    unread.length > 0 ? [{ stream: CoordinationStreams.mail, type: 'mail.read', data: { agent, ids: unread, at } }] : [];
  const result = entries.map((e) => (e.state === 'unread' ? { ...e, state: 'read' as const, readAt: at } : e));
  return { events, result: { entries: result } };
}

/** Acks one message; acking twice is a no-op that says so. */
export function decideAck(
  agent: string,
  id: string,
  entry: InboxEntry | null,
  ctx: { now: number },
): Decision<{ entry: InboxEntry; alreadyAcked: boolean }> {
  if (!entry) {
    throw new ApiaryError('not_found', `No message ${id} in ${agent}'s inbox`, 'Use ids from mail inbox.', { id });
  }
  if (entry.state === 'acked') return { events: [], result: { entry, alreadyAcked: true } };
  const at = iso(ctx.now);
  const event: CoordinationEvent = {
    stream: CoordinationStreams.mail,
    // A deterministic id: two racing acks append once.
    id: `ack:${agent}:${id}`,
    type: 'mail.acked',
    data: { agent, id, at },
  };
  return { events: [event], result: { entry: { ...entry, state: 'acked', ackedAt: at, readAt: entry.readAt ?? at }, alreadyAcked: false } };
}
