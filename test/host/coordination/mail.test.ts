// Agent mail through the host: delivery survives a SIGKILLed host (send, kill, restart, the
// inbox still has it, ack once and never again), peek changes nothing while read marks read,
// broadcasts reach everyone but the sender, replies join threads, arrivals are pushed.
import assert from 'node:assert/strict';
import {
  AgentRegisterRequest,
  type InboxEntry,
  MailAckRequest,
  MailArrivedNotification,
  MailInboxRequest,
  MailReadRequest,
  MailSendRequest,
  MailThreadRequest,
  type MailMessage,
} from '../../../shared/coordination';
import { cleanUp, connect, ensureCliBuilt, jsonOf, readAllEvents, runCli, startServe, stopHost, tempWorkspace } from '../../support/host';
import { collect, refusal, startCoordHost, until } from './helpers';

type Inbox = { entries: InboxEntry[]; unread: number };

describe('agent mail through the host', function () {
  this.timeout(60_000);
  afterEach(cleanUp);

  describe('across host restarts (the CLI against `apiary serve`)', () => {
    before(ensureCliBuilt);

    it('keeps a message through a SIGKILL, lets it be acked once, and never delivers the ack twice', async () => {
      const ws = tempWorkspace();
      let host = await startServe(ws);
      assert.equal((await runCli(['agent', 'register', '--name', 'BlueLake', '--kind', 'swarm-worker', '--workspace', ws, '--json'])).code, 0);
      const sent = await runCli(['mail', 'send', '--to', 'BlueLake', '--subject', 'Please release src/auth', '--body', 'I need **login.ts**.', '--ack-required', '--importance', 'high', '--workspace', ws, '--json']);
      assert.equal(sent.code, 0, sent.stderr);
      const message = jsonOf<{ message: MailMessage }>(sent).message;
      assert.equal(message.from, 'you');

      // The send was acknowledged, so it is durable: kill the host without a chance to flush anything.
      await stopHost(host, 'SIGKILL');
      host = await startServe(ws);

      const peek = await runCli(['mail', 'inbox', '--peek', '--agent', 'BlueLake', '--workspace', ws, '--json']);
      const box = jsonOf<Inbox>(peek);
      assert.deepEqual(
        box.entries.map((e) => [e.message.id, e.state, e.message.subject, e.message.ackRequired, e.message.importance]),
        [[message.id, 'unread', 'Please release src/auth', true, 'high']],
      );
      const first = jsonOf<{ alreadyAcked: boolean; entry: InboxEntry }>(await runCli(['mail', 'ack', message.id, '--agent', 'BlueLake', '--workspace', ws, '--json']));
      assert.equal(first.alreadyAcked, false);
      assert.equal(first.entry.state, 'acked');
      const second = jsonOf<{ alreadyAcked: boolean }>(await runCli(['mail', 'ack', message.id, '--agent', 'BlueLake', '--workspace', ws, '--json']));
      assert.equal(second.alreadyAcked, true);

      await stopHost(host, 'SIGKILL');
      host = await startServe(ws);
      const after = jsonOf<Inbox>(await runCli(['mail', 'inbox', '--peek', '--agent', 'BlueLake', '--workspace', ws, '--json']));
      assert.equal(after.entries.length, 0, 'an acked message is no longer delivered');
      const all = jsonOf<Inbox>(await runCli(['mail', 'inbox', '--peek', '--all', '--agent', 'BlueLake', '--workspace', ws, '--json']));
      assert.deepEqual(all.entries.map((e) => [e.message.id, e.state]), [[message.id, 'acked']]);
      const third = jsonOf<{ alreadyAcked: boolean }>(await runCli(['mail', 'ack', message.id, '--agent', 'BlueLake', '--workspace', ws, '--json']));
      assert.equal(third.alreadyAcked, true);

      const c = await connect(host.info.socket);
      const events = await readAllEvents(c.conn);
      c.conn.dispose();
      assert.equal(events.filter((e) => e.type === 'mail.sent').length, 1);
      assert.equal(events.filter((e) => e.type === 'mail.acked').length, 1, 'one ack in the log, however often it was sent');
      await stopHost(host);
    });

    it('lists and reads from the CLI: inbox marks what it shows read, --peek does not; usage errors exit 2', async () => {
      const ws = tempWorkspace();
      const host = await startServe(ws);
      await runCli(['agent', 'register', '--name', 'GreenFern', '--workspace', ws]);
      const sent = jsonOf<{ message: MailMessage }>(await runCli(['mail', 'send', '--to', 'GreenFern', '--subject', 'hello', '--body', 'first', '--workspace', ws, '--json'])).message;
      const peek = jsonOf<Inbox>(await runCli(['mail', 'inbox', '--peek', '--agent', 'GreenFern', '--workspace', ws, '--json']));
      assert.equal(peek.unread, 1);
      const listed = await runCli(['mail', 'inbox', '--agent', 'GreenFern', '--workspace', ws]);
      assert.equal(listed.code, 0);
      assert.match(listed.stdout, new RegExp(`\\* ${sent.id}\\s+you\\s+hello`));
      const now = jsonOf<Inbox>(await runCli(['mail', 'inbox', '--peek', '--agent', 'GreenFern', '--workspace', ws, '--json']));
      assert.equal(now.unread, 0);
      const read = await runCli(['mail', 'read', sent.id, '--agent', 'GreenFern', '--workspace', ws]);
      assert.match(read.stdout, /From: you[\s\S]*Subject: hello[\s\S]*first/);

      const missing = await runCli(['mail', 'read', 'nope', '--agent', 'GreenFern', '--workspace', ws, '--json']);
      assert.equal(missing.code, 1);
      assert.equal(jsonOf<{ error: { code: string } }>(missing).error.code, 'not_found');
      const unknown = await runCli(['mail', 'send', '--to', 'Nobody', '--subject', 's', '--workspace', ws, '--json']);
      assert.equal(unknown.code, 1);
      assert.match(jsonOf<{ error: { hint: string } }>(unknown).error.hint, /GreenFern/);
      for (const args of [
        ['mail', 'send', '--subject', 's'],
        ['mail', 'send', '--to', 'GreenFern', '--broadcast', '--subject', 's'],
        ['mail', 'send', '--to', 'GreenFern'],
        ['mail', 'send', '--to', 'GreenFern', '--subject', 's', '--importance', 'extreme'],
        ['mail', 'ack'],
        ['mail', 'frobnicate'],
      ]) {
        const r = await runCli([...args, '--workspace', ws, '--json']);
        assert.equal(r.code, 2, `${args.join(' ')} → ${r.stdout}`);
        assert.equal(jsonOf<{ error: { code: string } }>(r).error.code, 'usage');
      }
      await stopHost(host);
    });
  });

  describe('in one host', () => {
    it('peeks without changing anything, reads marking read, broadcasts to all but the sender, threads replies, pushes arrivals', async () => {
      const h = await startCoordHost();
      try {
        const a = await h.client('a');
        const b = await h.client('b');
        for (const name of ['BlueLake', 'GreenFern', 'QuietOwl']) await a.conn.sendRequest(AgentRegisterRequest, { name, kind: 'mcp-client' });
        const arrived = collect(b.conn, MailArrivedNotification);

        const hello = (await a.conn.sendRequest(MailSendRequest, { from: 'BlueLake', broadcast: true, subject: 'Starting on auth', importance: 'urgent' })).message;
        assert.deepEqual([...hello.to].sort(), ['GreenFern', 'QuietOwl', 'you']);
        await until('the arrival pushed', () => arrived.find((n) => n.message.id === hello.id));

        const head = h.host.store.head;
        const peek = await b.conn.sendRequest(MailInboxRequest, { agent: 'greenfern' });
        assert.equal(peek.unread, 1);
        assert.equal(h.host.store.head, head, 'a peek writes nothing');

        const read = await b.conn.sendRequest(MailReadRequest, { agent: 'GreenFern' });
        assert.deepEqual(read.entries.map((e) => [e.message.id, e.state]), [[hello.id, 'read']]);
        assert.equal((await b.conn.sendRequest(MailInboxRequest, { agent: 'GreenFern' })).unread, 0);

        const reply = (await b.conn.sendRequest(MailSendRequest, { from: 'GreenFern', to: ['BlueLake'], subject: 'Re: Starting on auth', replyTo: hello.id })).message;
        assert.equal(reply.thread, hello.thread);
        const thread = await a.conn.sendRequest(MailThreadRequest, { agent: 'BlueLake', thread: hello.thread });
        assert.deepEqual(thread.messages.map((m) => m.id), [hello.id, reply.id]);
        const outsider = await refusal(a.conn.sendRequest(MailThreadRequest, { agent: 'you', thread: 'no-such-thread' }));
        assert.equal(outsider.code, 'not_found');

        const ack = await refusal(a.conn.sendRequest(MailAckRequest, { agent: 'QuietOwl', id: reply.id }));
        assert.equal(ack.code, 'not_found', 'one cannot ack a message sent to someone else');

        const key = { from: 'you', to: ['QuietOwl'], subject: 'once', idempotencyKey: 'retry-1' };
        const one = (await a.conn.sendRequest(MailSendRequest, key)).message;
        const two = (await a.conn.sendRequest(MailSendRequest, key)).message;
        assert.equal(two.id, one.id, 'a retried send is answered with the first message');
        assert.equal((await a.conn.sendRequest(MailInboxRequest, { agent: 'QuietOwl' })).entries.filter((e) => e.message.subject === 'once').length, 1);
      } finally {
        await h.stop();
      }
    });
  });
});
