// Resource subscriptions: after commits of the event types a resource depends on, every session
// subscribed to it hears `notifications/resources/updated` — once per resource per burst of
// commits, and only when the commit concerns the session's agent (an inbox is per agent).
import type { EventEnvelope } from '../../shared/events';
import type { AgentIdentity, McpResource } from './tool';

export function typeMatches(patterns: readonly string[], type: string): boolean {
  for (const p of patterns) {
    if (p === '*' || p === type) return true;
    if (p.endsWith('.*') && type.startsWith(p.slice(0, -1))) return true;
  }
  return false;
}

/** Which of a subscriber's resources changed for it in this batch of events. Pure. */
export function updatedUris(
  events: readonly EventEnvelope[],
  subscriptions: Iterable<string>,
  resource: (uri: string) => McpResource | undefined,
  agent: AgentIdentity | null,
): string[] {
  const out: string[] = [];
  for (const uri of subscriptions) {
    const r = resource(uri);
    if (!r) continue;
    const hit = events.some((e) => typeMatches(r.dependsOn, e.type) && (!r.concerns || (agent !== null && r.concerns(e, agent))));
    if (hit) out.push(uri);
  }
  return out;
}

export interface Subscriber {
  readonly subscriptions: ReadonlySet<string>;
  readonly identity: AgentIdentity | null;
  notifyUpdated(uri: string): Promise<void>;
}

export class ResourceNotifier {
  private pending: EventEnvelope[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly watched: string[];

  constructor(
    private readonly resources: readonly McpResource[],
    private readonly subscribers: () => Iterable<Subscriber>,
    private readonly onError: (err: unknown) => void,
    private readonly coalesceMs = 20,
  ) {
    this.watched = resources.flatMap((r) => r.dependsOn);
  }

  /** Feed from the store's commit listener (synchronous, cheap: it only buffers). */
  committed(events: readonly EventEnvelope[]): void {
    if (this.watched.length === 0) return;
    for (const e of events) if (typeMatches(this.watched, e.type)) this.pending.push(e);
    if (this.pending.length > 0) this.timer ??= setTimeout(() => this.flush(), this.coalesceMs);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const events = this.pending;
    this.pending = [];
    if (events.length === 0) return;
    const byUri = new Map(this.resources.map((r) => [r.uri, r]));
    for (const s of this.subscribers()) {
      if (s.subscriptions.size === 0) continue;
      for (const uri of updatedUris(events, s.subscriptions, (u) => byUri.get(u), s.identity)) {
        s.notifyUpdated(uri).catch(this.onError);
      }
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending = [];
  }
}
