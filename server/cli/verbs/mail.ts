// mail send|inbox|read|ack|thread — agent mail from the command line. `mail inbox` lists and
// marks what it lists as read; `--peek` only looks.
import fs from 'node:fs';
import { type InboxEntry, MailAckRequest, MailInboxRequest, type MailMessage, MailReadRequest, MailSendRequest, MailThreadRequest } from '../../../shared/coordination';
import { importanceSchema, type MailSendParams } from '../../../shared/coordinationSchemas';
import { intOption, parse } from '../args';
import { withHost } from '../client';
import { printResult, UsageError } from '../output';
import { agentOf, ensureAgent, relative } from './agent';

const USAGE = 'mail needs a subcommand: send --to A[,B]|--broadcast --subject S [--body B|--body-file F] | inbox [--peek] | read ID | ack ID | thread ID';

const MARK: Record<InboxEntry['state'], string> = { unread: '*', read: ' ', acked: '✓' };

function entryLine(e: InboxEntry): string {
  const m = e.message;
  const flags = [m.importance !== 'normal' ? m.importance : '', m.ackRequired && e.state !== 'acked' ? 'ack required' : ''].filter((x) => x);
  return `${MARK[e.state]} ${m.id}  ${m.from.padEnd(14)} ${m.subject}${flags.length ? `  [${flags.join(', ')}]` : ''}  (${relative(m.sentAt)})`;
}

function messageText(m: MailMessage): string {
  return [
    `From: ${m.from}`,
    `To: ${m.broadcast ? `everyone (${m.to.join(', ')})` : m.to.join(', ')}`,
    `Subject: ${m.subject}`,
    `Sent: ${m.sentAt}   Importance: ${m.importance}${m.ackRequired ? '   Ack required' : ''}`,
    `Id: ${m.id}   Thread: ${m.thread}${m.replyTo ? `   Reply to: ${m.replyTo}` : ''}`,
    '',
    m.body,
  ].join('\n');
}

function one(positionals: string[], what: string): string {
  const id = positionals[0];
  if (!id || positionals.length > 1) throw new UsageError(`mail ${what} needs one message ID (see mail inbox)`);
  return id;
}

export async function mail(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const { values, positionals, common } = parse(rest, {
    to: { type: 'string' },
    broadcast: { type: 'boolean', default: false },
    subject: { type: 'string' },
    body: { type: 'string' },
    'body-file': { type: 'string' },
    thread: { type: 'string' },
    'reply-to': { type: 'string' },
    importance: { type: 'string' },
    'ack-required': { type: 'boolean', default: false },
    peek: { type: 'boolean', default: false },
    unread: { type: 'boolean', default: false },
    all: { type: 'boolean', default: false },
    limit: { type: 'string' },
    'idempotency-key': { type: 'string' },
  });
  const agent = agentOf(common);

  switch (sub) {
    case 'send': {
      const to = typeof values.to === 'string' ? values.to.split(',').map((s) => s.trim()).filter((s) => s) : undefined;
      if ((to !== undefined && to.length > 0) === (values.broadcast === true)) throw new UsageError('mail send needs --to A[,B] or --broadcast (not both)');
      if (typeof values.subject !== 'string' || !values.subject.trim()) throw new UsageError('mail send needs --subject S');
      if (values.body !== undefined && values['body-file'] !== undefined) throw new UsageError('give --body or --body-file, not both');
      let body = typeof values.body === 'string' ? values.body : '';
      if (typeof values['body-file'] === 'string') {
        const file = values['body-file'];
        try {
          body = fs.readFileSync(file === '-' ? 0 : file, 'utf8');
        } catch (err) {
          throw new UsageError(`cannot read --body-file ${file}: ${(err as Error).message}`);
        }
      }
      const importance = importanceSchema.safeParse(values.importance ?? 'normal');
      if (!importance.success) throw new UsageError(`--importance must be one of ${importanceSchema.options.join(', ')}`);
      const params: MailSendParams = {
        from: agent,
        subject: values.subject,
        body,
        importance: importance.data,
        ackRequired: values['ack-required'] === true,
        ...(to ? { to } : { broadcast: true }),
      };
      if (typeof values.thread === 'string') params.thread = values.thread;
      if (typeof values['reply-to'] === 'string') params.replyTo = values['reply-to'];
      if (typeof values['idempotency-key'] === 'string') params.idempotencyKey = values['idempotency-key'];
      const r = await withHost(common, async (c) => {
        await ensureAgent(c, agent);
        return c.sendRequest(MailSendRequest, params);
      });
      printResult(r, common.json, () => `Sent ${r.message.id} to ${r.message.to.join(', ')} (thread ${r.message.thread}).`);
      return 0;
    }
    case 'inbox': {
      const limit = intOption(values, 'limit') ?? 50;
      const r = await withHost(common, async (c) => {
        await ensureAgent(c, agent);
        const box = await c.sendRequest(MailInboxRequest, { agent, unreadOnly: values.unread === true, includeAcked: values.all === true, limit });
        const unreadIds = box.entries.filter((e) => e.state === 'unread').map((e) => e.message.id);
        if (values.peek === true || unreadIds.length === 0) return box;
        // Listing is reading: what was shown is marked read (the entries still say unread, as shown).
        await c.sendRequest(MailReadRequest, { agent, ids: unreadIds });
        return box;
      });
      printResult(r, common.json, () =>
        r.entries.length ? [`${agent}: ${r.unread} unread`, ...r.entries.map(entryLine)].join('\n') : `${agent}: no messages.`,
      );
      return 0;
    }
    case 'read': {
      const id = one(positionals, 'read');
      const r = await withHost(common, async (c) => {
        await ensureAgent(c, agent);
        return c.sendRequest(MailReadRequest, { agent, ids: [id] });
      });
      printResult(r, common.json, () => r.entries.map((e) => messageText(e.message)).join('\n\n---\n\n'));
      return 0;
    }
    case 'ack': {
      const id = one(positionals, 'ack');
      const r = await withHost(common, async (c) => {
        await ensureAgent(c, agent);
        return c.sendRequest(MailAckRequest, { agent, id });
      });
      printResult(r, common.json, () => (r.alreadyAcked ? `${id} was already acknowledged (${r.entry.ackedAt}).` : `Acknowledged ${id}.`));
      return 0;
    }
    case 'thread': {
      const thread = one(positionals, 'thread');
      const r = await withHost(common, (c) => c.sendRequest(MailThreadRequest, { agent, thread }));
      printResult(r, common.json, () => r.messages.map(messageText).join('\n\n---\n\n'));
      return 0;
    }
    default:
      throw new UsageError(sub ? `unknown mail subcommand ${sub}` : USAGE);
  }
}
