// What a hive decision may read of the current state, and the facts it is given. Decisions are
// pure: the host passes a view over its read model and the time; they return events or throw.
import type { Cell, HiveNewEvent } from '../../../shared/hive';

export interface HiveView {
  getCell(id: string): Cell | undefined;
  /** Just the status (cheaper than getCell); undefined when there is no such cell. */
  statusOf(id: string): Cell['status'] | undefined;
  /** Every cell, tombstones included (drives the id length). */
  cellCount(): number;
  /** Highest `N` among ids `<parentId>.N` (0 when none), tombstones included so numbers are never reused. */
  maxChildNumber(parentId: string): number;
  /** Ids this cell waits for through blocking edges: its `blocks` targets and its parent. */
  blockingTargets(id: string): readonly string[];
  /** Cells this one waits for through `blocks` that are neither closed nor deleted. */
  openBlockers(id: string): readonly string[];
  /** True when an open blocker, a blocked status, or a blocked ancestor keeps the cell from being ready. */
  isBlocked(id: string): boolean;
  /** Claims whose lease ended at or before `now`. */
  expiredClaims(now: number): ReadonlyArray<{ id: string; holder: string; expiresAt: string; status: Cell['status'] }>;
}

export interface DecideContext {
  /** Milliseconds since the epoch; decisions never read the clock. */
  now: number;
  /** The agent or person acting (session name). */
  actor: string;
  /** Prefix for new root ids; DEFAULT_ID_PREFIX when absent. */
  idPrefix?: string;
}

export type Decision = HiveNewEvent[];

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** A claim is live only while its lease has not run out. */
export function liveClaim(cell: Cell, now: number): Cell['claim'] {
  return cell.claim && Date.parse(cell.claim.expiresAt) > now ? cell.claim : null;
}
