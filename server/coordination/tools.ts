// lock_reserve · lock_renew · lock_release · lock_check · mail_send · mail_inbox · mail_read ·
// mail_ack: the coordination service as MCP tools. Every call acts as the session's agent, so
// the arguments never name it; results are compact JSON a model can read.
import { z } from 'zod';
import type { InboxEntry, LockConflict, Reservation } from '../../shared/coordination';
import { agentNameSchema, importanceSchema, patternSchema } from '../../shared/coordinationSchemas';
import { defineTool, type McpTool } from '../mcp/tool';
import type { CoordinationService } from './service';

const compactReservation = (r: Reservation) => ({
  id: r.id,
  pattern: r.pattern,
  ...(r.except.length ? { except: r.except } : {}),
  mode: r.mode,
  holder: r.holder,
  expiresAt: r.expiresAt,
  ...(r.reason ? { reason: r.reason } : {}),
  ...(r.cell ? { cell: r.cell } : {}),
});

const compactConflict = (c: LockConflict) => ({
  holder: c.holder,
  pattern: c.pattern,
  mode: c.mode,
  expiresAt: c.expiresAt,
  requested: c.requested,
  ...(c.witness ? { witness: c.witness } : {}),
  ...(c.reason ? { reason: c.reason } : {}),
});

const compactEntry = (e: InboxEntry) => ({
  id: e.message.id,
  from: e.message.from,
  subject: e.message.subject,
  thread: e.message.thread,
  importance: e.message.importance,
  ackRequired: e.message.ackRequired,
  sentAt: e.message.sentAt,
  state: e.state,
});

const patterns = z.array(patternSchema).min(1).max(100);

export function coordinationTools(svc: CoordinationService): McpTool[] {
  return [
    defineTool({
      name: 'lock_reserve',
      description:
        'Reserve files before editing them: workspace-relative paths or globs ("src/auth/**", "!src/auth/gen/**" excludes). Exclusive by default; shared for read-only work. Refused with the holders named when another agent holds an overlapping exclusive reservation. Re-reserving your own pattern extends it.',
      input: z.strictObject({
        patterns: patterns.describe('Paths or globs; entries starting with ! carve exceptions out of the others'),
        shared: z.boolean().optional().describe('Shared (read) reservation instead of exclusive'),
        ttl_seconds: z.number().int().min(1).max(7 * 24 * 3600).optional().describe('Lifetime, default 3600'),
        reason: z.string().max(500).optional(),
        cell: z.string().min(1).max(100).optional().describe('Hive cell this work belongs to (released when it closes)'),
        idempotency_key: z.string().min(1).max(100).optional().describe('Retrying with the same key changes nothing'),
      }),
      profile: 'core',
      annotations: { destructiveHint: false, openWorldHint: false },
      async handler(args, call) {
        const r = await svc.reserve({
          agent: call.agent.name,
          patterns: args.patterns,
          shared: args.shared ?? false,
          ttlSeconds: args.ttl_seconds ?? 3600,
          ...(args.reason !== undefined ? { reason: args.reason } : {}),
          ...(args.cell !== undefined ? { cell: args.cell } : {}),
          ...(args.idempotency_key !== undefined ? { idempotencyKey: args.idempotency_key } : {}),
        });
        return {
          granted: r.granted.map(compactReservation),
          ...(r.extended.length ? { extended: r.extended.map(compactReservation) } : {}),
          ...(r.conflicts.length ? { conflicts: r.conflicts.map(compactConflict), mode: r.lockMode } : {}),
        };
      },
    }),
    defineTool({
      name: 'lock_renew',
      description: 'Extend your reservations (all of them, or the patterns given exactly as reserved) before they expire.',
      input: z.strictObject({
        patterns: patterns.optional(),
        ttl_seconds: z.number().int().min(1).max(7 * 24 * 3600).optional().describe('New lifetime from now, default 3600'),
      }),
      profile: 'full',
      annotations: { idempotentHint: true, openWorldHint: false },
      async handler(args, call) {
        const r = await svc.renew({ agent: call.agent.name, ttlSeconds: args.ttl_seconds ?? 3600, ...(args.patterns ? { patterns: args.patterns } : {}) });
        return { renewed: r.renewed.map(compactReservation) };
      },
    }),
    defineTool({
      name: 'lock_release',
      description: 'Release your reservations when done: the patterns given exactly as reserved, or all: true.',
      input: z.strictObject({ patterns: patterns.optional(), all: z.boolean().optional() }),
      profile: 'core',
      annotations: { idempotentHint: false, openWorldHint: false },
      async handler(args, call) {
        const r = await svc.release(
          args.all === true ? { agent: call.agent.name, all: true } : { agent: call.agent.name, ...(args.patterns ? { patterns: args.patterns } : {}) },
        );
        return { released: r.released.map((x) => x.pattern) };
      },
    }),
    defineTool({
      name: 'lock_check',
      description: 'Who holds these paths? Reserves nothing. blocked: true means another agent holds a path exclusively.',
      input: z.strictObject({ paths: z.array(patternSchema).min(1).max(1000) }),
      profile: 'core',
      annotations: { readOnlyHint: true, openWorldHint: false },
      async handler(args, call) {
        const r = svc.check({ agent: call.agent.name, paths: args.paths });
        return {
          blocked: r.blocked,
          paths: r.paths
            .filter((p) => p.holders.length > 0)
            .map((p) => ({ path: p.path, blocked: p.blocked, holders: p.holders.map((h) => ({ ...compactConflict(h), mine: h.mine })) })),
        };
      },
    }),
    defineTool({
      name: 'mail_send',
      description: 'Send a message (markdown body) to agents by name, or broadcast to all. Use it to ask a holder to release files, or to hand over work.',
      input: z.strictObject({
        to: z.array(agentNameSchema).min(1).max(100).optional(),
        broadcast: z.boolean().optional(),
        subject: z.string().min(1).max(200),
        body: z.string().max(64 * 1024).optional(),
        thread: z.string().min(1).max(100).optional(),
        reply_to: z.string().min(1).max(100).optional().describe('Message id you answer (joins its thread)'),
        importance: importanceSchema.optional(),
        ack_required: z.boolean().optional(),
      }),
      profile: 'core',
      annotations: { openWorldHint: false },
      async handler(args, call) {
        const r = await svc.send({
          from: call.agent.name,
          ...(args.to ? { to: args.to } : {}),
          broadcast: args.broadcast ?? false,
          subject: args.subject,
          body: args.body ?? '',
          ...(args.thread ? { thread: args.thread } : {}),
          ...(args.reply_to ? { replyTo: args.reply_to } : {}),
          importance: args.importance ?? 'normal',
          ackRequired: args.ack_required ?? false,
        });
        return { id: r.message.id, thread: r.message.thread, to: r.message.to };
      },
    }),
    defineTool({
      name: 'mail_inbox',
      description: 'Your inbox, newest first, without marking anything read (subjects only; mail_read returns bodies).',
      input: z.strictObject({ unread_only: z.boolean().optional(), limit: z.number().int().min(1).max(500).optional() }),
      profile: 'core',
      annotations: { readOnlyHint: true, openWorldHint: false },
      async handler(args, call) {
        const r = svc.inbox({ agent: call.agent.name, unreadOnly: args.unread_only ?? false, includeAcked: false, limit: args.limit ?? 50 });
        return { unread: r.unread, messages: r.entries.map(compactEntry) };
      },
    }),
    defineTool({
      name: 'mail_read',
      description: 'Read messages (by id, or every unread one) with their bodies; marks them read.',
      input: z.strictObject({ ids: z.array(z.string().min(1).max(100)).min(1).max(500).optional() }),
      profile: 'core',
      annotations: { openWorldHint: false },
      async handler(args, call) {
        const r = await svc.read({ agent: call.agent.name, limit: 50, ...(args.ids ? { ids: args.ids } : {}) });
        return { messages: r.entries.map((e) => ({ ...compactEntry(e), body: e.message.body, to: e.message.to })) };
      },
    }),
    defineTool({
      name: 'mail_ack',
      description: 'Acknowledge a message (required when it says ackRequired); acking twice changes nothing.',
      input: z.strictObject({ id: z.string().min(1).max(100) }),
      profile: 'core',
      annotations: { idempotentHint: true, openWorldHint: false },
      async handler(args, call) {
        const r = await svc.ack({ agent: call.agent.name, id: args.id });
        return { id: args.id, acked: true, alreadyAcked: r.alreadyAcked };
      },
    }),
  ];
}
