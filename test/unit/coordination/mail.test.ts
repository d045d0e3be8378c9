// Agent mail: recipients resolved (or broadcast), inbox as a peek that changes nothing, read
// marking read, ack idempotent and implying read, threads.
import assert from 'node:assert/strict';
import type { MailMessage } from '../../../shared/coordination';
import { mailSendParamsSchema } from '../../../shared/coordinationSchemas';
import { ApiaryError } from '../../../shared/errors';
import { decideAck, decideRead, decideSend } from '../../../server/coordination/core/mail';
import { inbox, inboxEntries, messageById, messageByKey, thread, unreadEntries } from '../../../server/coordination/queries';
import { Workspace } from './harness';

async function workspace(): Promise<Workspace> {
  const ws = await Workspace.open();
  for (const name of ['BlueLake', 'QuietFalcon', 'SwiftOtter']) ws.register(name);
  return ws;
}

function send(ws: Workspace, params: Record<string, unknown>): MailMessage {
  const request = mailSendParamsSchema.parse(params);
  const d = decideSend(
    {
      agents: ws.agents(),
      replyTo: request.replyTo ? messageById(ws.db, request.replyTo) : null,
      earlier: request.idempotencyKey ? messageByKey(ws.db, request.from, request.idempotencyKey) : null,
    },
    request,
    { now: ws.now, newId: ws.newId },
  );
  ws.commit(d.events, request.from);
  return d.result.message;
}

function read(ws: Workspace, agent: string, ids?: string[]) {
  const entries = ids ? inboxEntries(ws.db, agent, ids) : unreadEntries(ws.db, agent);
  const d = decideRead(agent, ids, entries, { now: ws.now });
  ws.commit(d.events, agent);
  return d.result.entries;
}

function ack(ws: Workspace, agent: string, id: string) {
  const d = decideAck(agent, id, inboxEntries(ws.db, agent, [id])[0] ?? null, { now: ws.now });
  ws.commit(d.events, agent);
  return { ...d.result, written: d.events.length };
}

const code = (c: string) => (err: unknown) => err instanceof ApiaryError && err.code === c;

describe('coordination: mail', () => {
  it('delivers to each named recipient with subject, markdown body, importance and ack-required', async () => {
    const ws = await workspace();
    const m = send(ws, {
      from: 'BlueLake',
      to: ['QuietFalcon', 'swiftotter'],
      subject: 'Parser done',
      body: '**Ready** for review',
      importance: 'high',
      ackRequired: true,
    });
    assert.deepEqual(m.to, ['QuietFalcon', 'SwiftOtter'], 'names resolve to their registered spelling');
    for (const agent of ['QuietFalcon', 'SwiftOtter']) {
      const [entry] = inbox(ws.db, agent).entries;
      assert.equal(entry.state, 'unread');
      assert.deepEqual(
        [entry.message.subject, entry.message.body, entry.message.importance, entry.message.ackRequired],
        ['Parser done', '**Ready** for review', 'high', true],
      );
    }
    assert.deepEqual(inbox(ws.db, 'BlueLake').entries, []);
  });

  it('broadcasts to every other registered agent', async () => {
    const ws = await workspace();
    const m = send(ws, { from: 'BlueLake', broadcast: true, subject: 'Rebasing main in 5 minutes' });
    assert.deepEqual(m.to.sort(), ['QuietFalcon', 'SwiftOtter']);
    assert.equal(m.broadcast, true);
  });

  it('refuses unknown recipients, naming them and the known agents, and writes nothing', async () => {
    const ws = await workspace();
    const before = ws.log.length;
    assert.throws(
      () => send(ws, { from: 'BlueLake', to: ['QuietFalcon', 'Ghost'], subject: 'hi' }),
      (err: unknown) => err instanceof ApiaryError && err.code === 'not_found' && /Ghost/.test(err.message) && /QuietFalcon/.test(err.hint ?? ''),
    );
    assert.equal(ws.log.length, before);
    assert.equal(mailSendParamsSchema.safeParse({ from: 'BlueLake', subject: 'no one' }).success, false, 'to or broadcast is required');
  });

  it('peeks without changing read state', async () => {
    const ws = await workspace();
    send(ws, { from: 'BlueLake', to: ['QuietFalcon'], subject: 'one' });
    const written = ws.log.length;
    const first = inbox(ws.db, 'QuietFalcon');
    const second = inbox(ws.db, 'QuietFalcon');
    assert.equal(first.unread, 1);
    assert.deepEqual(second, first);
    assert.equal(ws.log.length, written);
  });

  it('marks what it reads as read, and reading again writes nothing', async () => {
    const ws = await workspace();
    const a = send(ws, { from: 'BlueLake', to: ['QuietFalcon'], subject: 'one' });
    send(ws, { from: 'SwiftOtter', to: ['QuietFalcon'], subject: 'two' });
    const entries = read(ws, 'QuietFalcon', [a.id]);
    assert.deepEqual(entries.map((e) => [e.message.subject, e.state]), [['one', 'read']]);
    assert.equal(inbox(ws.db, 'QuietFalcon').unread, 1);
    const written = ws.log.length;
    assert.equal(read(ws, 'QuietFalcon', [a.id])[0].state, 'read');
    assert.equal(ws.log.length, written);
    assert.deepEqual(read(ws, 'QuietFalcon').map((e) => e.message.subject), ['two'], 'without ids: every unread message');
    assert.equal(inbox(ws.db, 'QuietFalcon').unread, 0);
  });

  it('refuses to read a message that is not in the inbox', async () => {
    const ws = await workspace();
    const m = send(ws, { from: 'BlueLake', to: ['QuietFalcon'], subject: 'private' });
    assert.throws(() => read(ws, 'SwiftOtter', [m.id]), code('not_found'));
  });

  it('acks once: a second ack says so and writes nothing; an ack implies read', async () => {
    const ws = await workspace();
    const m = send(ws, { from: 'BlueLake', to: ['QuietFalcon'], subject: 'please confirm', ackRequired: true });
    const first = ack(ws, 'QuietFalcon', m.id);
    assert.deepEqual([first.alreadyAcked, first.written, first.entry.state], [false, 1, 'acked']);
    assert.ok(first.entry.readAt);
    assert.equal(ws.log[ws.log.length - 1].id, `ack:QuietFalcon:${m.id}`);
    const second = ack(ws, 'QuietFalcon', m.id);
    assert.deepEqual([second.alreadyAcked, second.written], [true, 0]);
    assert.deepEqual(inbox(ws.db, 'QuietFalcon').entries, [], 'acked mail leaves the default inbox');
    assert.equal(inbox(ws.db, 'QuietFalcon', { includeAcked: true }).entries[0].state, 'acked');
    assert.throws(() => ack(ws, 'SwiftOtter', m.id), code('not_found'));
  });

  it('threads replies, and shows an agent only the thread messages it sent or received', async () => {
    const ws = await workspace();
    const q = send(ws, { from: 'BlueLake', to: ['QuietFalcon'], subject: 'Which schema?' });
    assert.equal(q.thread, q.id, 'a new message starts its own thread');
    const r = send(ws, { from: 'QuietFalcon', to: ['BlueLake'], subject: 'Re: Which schema?', replyTo: q.id });
    send(ws, { from: 'BlueLake', to: ['SwiftOtter'], subject: 'FYI', thread: q.thread });
    assert.equal(r.thread, q.id);
    assert.deepEqual(thread(ws.db, q.thread).map((m) => m.subject), ['Which schema?', 'Re: Which schema?', 'FYI']);
    assert.deepEqual(thread(ws.db, q.thread, 'QuietFalcon').map((m) => m.subject), ['Which schema?', 'Re: Which schema?']);
    assert.deepEqual(inbox(ws.db, 'BlueLake', { thread: q.thread }).entries.map((e) => e.message.subject), ['Re: Which schema?']);
    assert.throws(() => send(ws, { from: 'BlueLake', to: ['QuietFalcon'], subject: 'x', replyTo: 'missing' }), code('not_found'));
  });

  it('answers a retried send with the first message', async () => {
    const ws = await workspace();
    const first = send(ws, { from: 'BlueLake', to: ['QuietFalcon'], subject: 'once', idempotencyKey: 'm-1' });
    const written = ws.log.length;
    const retry = send(ws, { from: 'BlueLake', to: ['QuietFalcon'], subject: 'once', idempotencyKey: 'm-1' });
    assert.deepEqual(retry, first);
    assert.equal(ws.log.length, written);
    assert.equal(inbox(ws.db, 'QuietFalcon').entries.length, 1);
  });
});
