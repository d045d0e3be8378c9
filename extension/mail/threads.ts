// The inbox as threads, computed from the host's entries alone (no vscode import): newest
// activity first, each thread's messages in order, counts for the tree and the notifications.
import type { InboxEntry, MailMessage } from '../../shared/coordination';

export interface ThreadView {
  thread: string;
  subject: string;
  /** Everyone who wrote in it, first writer first. */
  from: string[];
  entries: InboxEntry[];
  unread: number;
  /** Ack-required messages not acked yet. */
  awaitingAck: number;
  latest: string;
  urgent: boolean;
}

export function groupThreads(entries: readonly InboxEntry[]): ThreadView[] {
  const byThread = new Map<string, InboxEntry[]>();
  for (const e of entries) {
    const list = byThread.get(e.message.thread) ?? [];
    list.push(e);
    byThread.set(e.message.thread, list);
  }
  const views = [...byThread].map(([thread, list]): ThreadView => {
    const ordered = [...list].sort((a, b) => a.message.sentAt.localeCompare(b.message.sentAt));
    const first = ordered[0]!.message;
    return {
      thread,
      subject: first.subject.replace(/^(re:\s*)+/i, ''),
      from: [...new Set(ordered.map((e) => e.message.from))],
      entries: ordered,
      unread: ordered.filter((e) => e.state === 'unread').length,
      awaitingAck: ordered.filter((e) => e.message.ackRequired && e.state !== 'acked').length,
      latest: ordered.at(-1)!.message.sentAt,
      urgent: ordered.some((e) => e.message.importance === 'urgent' && e.state === 'unread'),
    };
  });
  return views.sort((a, b) => b.latest.localeCompare(a.latest));
}

/** Raise a notification for this arrival? Urgent or ack-required mail to me does. */
export function wantsAttention(message: MailMessage, me: string): boolean {
  return message.to.includes(me) && message.from !== me && (message.importance === 'urgent' || message.ackRequired);
}

/** The message as a markdown document. */
export function messageMarkdown(m: MailMessage): string {
  const flags = [m.importance !== 'normal' ? `**${m.importance}**` : '', m.ackRequired ? 'acknowledgement requested' : ''].filter((x) => x);
  return [
    `# ${m.subject}`,
    '',
    `From **${m.from}** to ${m.broadcast ? 'everyone' : m.to.join(', ')} · ${new Date(m.sentAt).toLocaleString()}${flags.length ? ` · ${flags.join(' · ')}` : ''}`,
    '',
    '---',
    '',
    m.body || '_(no body)_',
    '',
  ].join('\n');
}

/** "Re: subject" once, however deep the thread. */
export function replySubject(subject: string): string {
  return /^re:/i.test(subject) ? subject : `Re: ${subject}`;
}
