// Workspace-level knobs of the coordination core, with the defaults a user gets.
import type { LockMode } from '../../../shared/coordination';

export interface CoordinationPolicy {
  /** enforce: conflicting exclusive requests are refused; advisory: granted with the conflicts reported. */
  lockMode: LockMode;
  /** An agent silent this long is inactive. */
  inactiveAfterMs: number;
  /** A holder silent this long may have its reservations force-released by others. */
  forceReleaseAfterMs: number;
  /** Heartbeats are recorded in the log at most this often per agent (liveness needs no more). */
  heartbeatRecordMs: number;
  /** Case-insensitive path matching, for case-insensitive file systems. */
  nocase: boolean;
}

export const DEFAULT_POLICY: CoordinationPolicy = {
  lockMode: 'enforce',
  inactiveAfterMs: 5 * 60_000,
  forceReleaseAfterMs: 15 * 60_000,
  heartbeatRecordMs: 60_000,
  nocase: false,
};

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function toMs(isoTime: string): number {
  return Date.parse(isoTime);
}

/** "3 min", "2 h", "40 s": for refusals a person reads. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 120) return `${m} min`;
  return `${Math.round(m / 60)} h`;
}
