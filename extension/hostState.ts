// What the extension knows about its connection to the agent host. Pure data (no vscode import)
// so the status bar's rendering can be tested in plain Node.
import type { HostStatus } from '../shared/protocol';

export type HostStateKind = 'starting' | 'ready' | 'restarting' | 'error';

/** A host being waited for is replaying its log into the read models (a large log, a rebuilt read model). */
export interface ReplayShown {
  fraction: number;
  events: number;
}

export type HostState =
  | {
      kind: 'starting';
      workspace: string;
      since: number;
      replay?: ReplayShown;
    }
  | {
      kind: 'ready';
      workspace: string;
      /** The host's answer to apiary/status when the connection came up (position kept current). */
      status: HostStatus;
      /** Local clock when `status` was received, to age its uptime without asking again. */
      receivedAt: number;
    }
  | { kind: 'restarting'; workspace: string; reason: string; retryAt: number; attempt: number; replay?: ReplayShown }
  | {
      kind: 'error';
      workspace: string | undefined;
      message: string;
      hint?: string;
      /** When the client will try again on its own; absent when only the user can fix it. */
      retryAt?: number;
    };

/** Host uptime as of `now`, from a status received earlier. */
export function uptimeAt(state: Extract<HostState, { kind: 'ready' }>, now: number): number {
  return state.status.uptimeMs + Math.max(0, now - state.receivedAt);
}

/** "3 s", "4 min 10 s", "2 h 5 min", "3 d 4 h": two units at most, for tooltips. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}
