// The inbox as threads: grouping, ordering, counts, which arrivals deserve a notification, and
// the markdown a message opens as.
import assert from 'node:assert/strict';
import type { InboxEntry, MailMessage } from '../../../../shared/coordination';
import { groupThreads, messageMarkdown, replySubject, wantsAttention } from '../../../../extension/mail/threads';

function message(over: Partial<MailMessage>): MailMessage {
  return {
    id: 'm1',
    from: 'BlueLake',
    to: ['you'],
    broadcast: false,
    subject: 'Please release src/auth',
    body: 'I need **login.ts**.',
    thread: 't1',
    replyTo: null,
    importance: 'normal',
    ackRequired: false,
    sentAt: '2026-03-02T09:00:00.000Z',
    ...over,
  };
}

const entry = (over: Partial<MailMessage>, state: InboxEntry['state'] = 'unread'): InboxEntry => ({ message: message(over), state, readAt: null, ackedAt: null });

describe('inbox threads', () => {
  it('groups messages by thread, in order, newest activity first, with unread and to-ack counts', () => {
    const threads = groupThreads([
      entry({ id: 'a', thread: 't1', sentAt: '2026-03-02T09:00:00.000Z' }, 'read'),
      entry({ id: 'b', thread: 't2', subject: 'Build is red', from: 'QuietOwl', sentAt: '2026-03-02T09:05:00.000Z', importance: 'urgent' }),
      entry({ id: 'c', thread: 't1', subject: 'Re: Please release src/auth', from: 'GreenFern', sentAt: '2026-03-02T09:10:00.000Z', ackRequired: true }),
    ]);
    assert.deepEqual(
      threads.map((t) => [t.thread, t.subject, t.from, t.entries.map((e) => e.message.id), t.unread, t.awaitingAck, t.urgent]),
      [
        ['t1', 'Please release src/auth', ['BlueLake', 'GreenFern'], ['a', 'c'], 1, 1, false],
        ['t2', 'Build is red', ['QuietOwl'], ['b'], 1, 0, true],
      ],
    );
  });

  it('raises a notification only for urgent or ack-required mail to me from someone else', () => {
    assert.equal(wantsAttention(message({ importance: 'urgent' }), 'you'), true);
    assert.equal(wantsAttention(message({ ackRequired: true }), 'you'), true);
    assert.equal(wantsAttention(message({ importance: 'high' }), 'you'), false);
    assert.equal(wantsAttention(message({ importance: 'urgent', to: ['BlueLake'] }), 'you'), false);
    assert.equal(wantsAttention(message({ importance: 'urgent', from: 'you' }), 'you'), false);
  });

  it('opens a message as markdown with sender, recipients and flags, and prefixes replies once', () => {
    const md = messageMarkdown(message({ importance: 'urgent', ackRequired: true }));
    assert.match(md, /^# Please release src\/auth\n\nFrom \*\*BlueLake\*\* to you · .+ · \*\*urgent\*\* · acknowledgement requested\n\n---\n\nI need \*\*login\.ts\*\*\./);
    assert.equal(replySubject('Hello'), 'Re: Hello');
    assert.equal(replySubject('Re: Hello'), 'Re: Hello');
  });
});
