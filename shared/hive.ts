// The hive: the shared work queue. Domain types, event names and payloads, and the host requests
// that act on it. Cells follow the beads issue model so `.beads/issues.jsonl` can be imported and
// exported without loss of ids, statuses, priorities or dependencies.
//
// Param types come from ./hiveSchemas as *types only*, so the extension bundle carries no zod.
import { NotificationType, RequestType } from 'vscode-jsonrpc';
import type { ApiaryErrorData } from './errors';
import type {
  HiveClaimParams,
  HiveCloseParams,
  HiveCommentParams,
  HiveCreateEpicParams,
  HiveCreateParams,
  HiveDeleteParams,
  HiveDepAddParams,
  HiveDepRemoveParams,
  HiveExportParams,
  HiveFindParams,
  HiveHeartbeatParams,
  HiveImportParams,
  HiveListParams,
  HiveReadyParams,
  HiveReleaseParams,
  HiveReopenParams,
  HiveShowParams,
  HiveSyncParams,
  HiveUpdateParams,
} from './hiveSchemas';

// ── model ──────────────────────────────────────────────────────────────────────────────────

export const CELL_TYPES = ['task', 'bug', 'feature', 'epic', 'chore'] as const;
export type CellType = (typeof CELL_TYPES)[number];

/** `deleted` is a tombstone: the cell stays in the file so a merge cannot resurrect it. */
export const CELL_STATUSES = ['open', 'in_progress', 'blocked', 'closed', 'deleted'] as const;
export type CellStatus = (typeof CELL_STATUSES)[number];

/** Statuses an update may set; closed, reopened and deleted each have their own command. */
export const WORK_STATUSES = ['open', 'in_progress', 'blocked'] as const;
export type WorkStatus = (typeof WORK_STATUSES)[number];

export const DEP_TYPES = ['blocks', 'parent-child', 'related', 'discovered-from'] as const;
export type DepType = (typeof DEP_TYPES)[number];
/** Dependency types that gate work: cycles through them are refused. */
export const BLOCKING_DEP_TYPES: readonly DepType[] = ['blocks', 'parent-child'];

/**
 * A cell's parent is held in `parent` only; a `parent-child` dependency command sets or clears it.
 * So stored dependency lists carry the other three types.
 */
export type StoredDepType = Exclude<DepType, 'parent-child'>;

/** 0 is most urgent, 4 least; 2 is the default. */
export type Priority = 0 | 1 | 2 | 3 | 4;
export const DEFAULT_PRIORITY: Priority = 2;

export interface CellDependency {
  /** The cell this one depends on (for `blocks`: the blocker). */
  dependsOn: string;
  type: StoredDepType;
  createdAt: string;
  createdBy: string;
}

export interface CellComment {
  /** 1-based, in order of creation within the cell. */
  id: number;
  author: string;
  text: string;
  createdAt: string;
}

/** The portable record: exactly what `.hive/issues.jsonl` holds for one cell. */
export interface CellRecord {
  id: string;
  title: string;
  description: string;
  type: CellType;
  status: CellStatus;
  priority: Priority;
  parent: string | null;
  assignee: string | null;
  labels: string[];
  /** Paths the work expects to touch (used by reservations and swarm planning). */
  files: string[];
  dependencies: CellDependency[];
  comments: CellComment[];
  metadata: Record<string, unknown>;
  /** ISO-8601 UTC timestamps. */
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  closeReason: string | null;
  deletedAt: string | null;
  deleteReason: string | null;
}

/** A claim is a lease: live only while `expiresAt` is in the future. */
export interface ClaimLease {
  holder: string;
  claimedAt: string;
  expiresAt: string;
}

/**
 * A cell as the host knows it. Claims are host-local leases and stay out of the JSONL file, so
 * a heartbeat never makes a git diff.
 */
export interface Cell extends CellRecord {
  claim: ClaimLease | null;
}

/** One row of a list or the ready queue. */
export interface CellSummary {
  id: string;
  title: string;
  type: CellType;
  status: CellStatus;
  priority: Priority;
  parent: string | null;
  assignee: string | null;
  labels: string[];
  createdAt: string;
  updatedAt: string;
  claim: ClaimLease | null;
  /** True when an open blocker, a blocked status or a blocked ancestor keeps it out of the ready queue. */
  blocked: boolean;
}

export interface CellDetail {
  cell: Cell;
  /** Open cells this one waits for (directly, through `blocks`). */
  blockedBy: string[];
  /** Cells that wait for this one (through `blocks`). */
  blocks: string[];
  /** Cells linked to this one by related / discovered-from, either direction. */
  related: Array<{ id: string; type: StoredDepType; direction: 'out' | 'in' }>;
  children: CellSummary[];
  ready: boolean;
}

// ── events ─────────────────────────────────────────────────────────────────────────────────

/** Every hive event goes to this one stream, so a decision and its append are checked against one version. */
export const HIVE_STREAM = 'hive';

export const HiveEvents = {
  cellCreated: 'hive.cell.created',
  epicCreated: 'hive.epic.created',
  cellUpdated: 'hive.cell.updated',
  cellClaimed: 'hive.cell.claimed',
  claimRenewed: 'hive.claim.renewed',
  claimReleased: 'hive.claim.released',
  claimExpired: 'hive.claim.expired',
  cellClosed: 'hive.cell.closed',
  cellReopened: 'hive.cell.reopened',
  cellDeleted: 'hive.cell.deleted',
  depAdded: 'hive.dep.added',
  depRemoved: 'hive.dep.removed',
  commentAdded: 'hive.comment.added',
  cellImported: 'hive.cell.imported',
  cellPurged: 'hive.cell.purged',
} as const;
export type HiveEventType = (typeof HiveEvents)[keyof typeof HiveEvents];

/** A new cell, complete (status open, its dependencies included). */
export interface CellCreatedData {
  cell: CellRecord;
}

/**
 * Marks an epic created with its subtasks. It is appended first, in the same atomic append as the
 * `hive.cell.created` events of the epic and every subtask and the `hive.dep.added` events between
 * subtasks; it changes no state by itself.
 */
export interface EpicCreatedData {
  epicId: string;
  subtaskIds: string[];
  at: string;
}

export type CellChanges = Partial<{
  title: string;
  description: string;
  type: CellType;
  status: WorkStatus;
  priority: Priority;
  assignee: string | null;
  labels: string[];
  files: string[];
  metadata: Record<string, unknown>;
}>;

/** Fields set to new values; lists and metadata carry their complete new value. */
export interface CellUpdatedData {
  id: string;
  changes: CellChanges;
  at: string;
}

/** Claimed sets the assignee to the holder; renewed only moves the expiry. */
export interface ClaimData {
  id: string;
  holder: string;
  expiresAt: string;
  at: string;
}

export interface ClaimReleasedData {
  id: string;
  holder: string;
  at: string;
}

/**
 * A lease ran out: the claim is cleared, the holder stops being the assignee and, when the
 * holder had started it (`in_progress`), the cell goes back to `open` (`reopened: true`).
 */
export interface ClaimExpiredData {
  id: string;
  holder: string;
  expiresAt: string;
  at: string;
  reopened: boolean;
}

export interface CellClosedData {
  id: string;
  reason: string | null;
  at: string;
}

export interface CellReopenedData {
  id: string;
  reason: string | null;
  at: string;
}

export interface CellDeletedData {
  id: string;
  reason: string | null;
  at: string;
}

/** `parent-child` sets (added) or clears (removed) `id`'s parent to `dependsOn`. */
export interface DepData {
  id: string;
  dependsOn: string;
  type: DepType;
  by: string;
  at: string;
}

export interface CommentAddedData {
  id: string;
  comment: CellComment;
}

export type ImportSource = 'merge' | 'jsonl' | 'beads';

/** Upsert of a whole record coming from outside the log (a merged file, a beads import). */
export interface CellImportedData {
  cell: CellRecord;
  source: ImportSource;
  at: string;
}

/** A cell removed from the shared file by a teammate (not a tombstone: its line is gone). */
export interface CellPurgedData {
  id: string;
  source: ImportSource;
  at: string;
}

export interface HiveEventDataMap {
  'hive.cell.created': CellCreatedData;
  'hive.epic.created': EpicCreatedData;
  'hive.cell.updated': CellUpdatedData;
  'hive.cell.claimed': ClaimData;
  'hive.claim.renewed': ClaimData;
  'hive.claim.released': ClaimReleasedData;
  'hive.claim.expired': ClaimExpiredData;
  'hive.cell.closed': CellClosedData;
  'hive.cell.reopened': CellReopenedData;
  'hive.cell.deleted': CellDeletedData;
  'hive.dep.added': DepData;
  'hive.dep.removed': DepData;
  'hive.comment.added': CommentAddedData;
  'hive.cell.imported': CellImportedData;
  'hive.cell.purged': CellPurgedData;
}

/** An event a hive decision asks to append (to HIVE_STREAM), typed by its name. */
export type HiveNewEvent = {
  [K in HiveEventType]: { type: K; data: HiveEventDataMap[K] };
}[HiveEventType];

// ── results ────────────────────────────────────────────────────────────────────────────────

export interface HiveCellResult {
  cell: Cell;
}

export interface HiveEpicResult {
  epic: Cell;
  subtasks: Cell[];
}

export interface HiveListResult {
  cells: CellSummary[];
  /** Matching cells before limit/offset. */
  total: number;
}

export interface HiveProblem {
  /** 1-based line in the file the problem was found in. */
  line: number;
  reason: string;
  /** Which input it came from (a merge has three). */
  source?: 'base' | 'ours' | 'theirs' | 'file';
  text?: string;
}

export interface HiveSyncResult {
  /** Commit made for local `.hive/` changes, if any. */
  committed: string | null;
  remote: string | null;
  /** How the remote's history was brought in. */
  pulled: 'none' | 'up-to-date' | 'fast-forward' | 'merge';
  pushed: boolean;
  head: string | null;
  /** True when `.hive/issues.jsonl` changed on disk: the host re-imports it. */
  hiveFileChanged: boolean;
  problems: HiveProblem[];
}

export interface HiveImportResult {
  imported: number;
  purged: number;
  problems: HiveProblem[];
}

export interface HiveExportResult {
  path: string;
  cells: number;
}

// ── requests ───────────────────────────────────────────────────────────────────────────────

export const HiveCreateRequest = new RequestType<HiveCreateParams, HiveCellResult, ApiaryErrorData>('apiary/hive/create');
export const HiveCreateEpicRequest = new RequestType<HiveCreateEpicParams, HiveEpicResult, ApiaryErrorData>('apiary/hive/createEpic');
export const HiveUpdateRequest = new RequestType<HiveUpdateParams, HiveCellResult, ApiaryErrorData>('apiary/hive/update');
export const HiveClaimRequest = new RequestType<HiveClaimParams, HiveCellResult, ApiaryErrorData>('apiary/hive/claim');
export const HiveHeartbeatRequest = new RequestType<HiveHeartbeatParams, HiveCellResult, ApiaryErrorData>('apiary/hive/heartbeat');
export const HiveReleaseRequest = new RequestType<HiveReleaseParams, HiveCellResult, ApiaryErrorData>('apiary/hive/release');
export const HiveCloseRequest = new RequestType<HiveCloseParams, HiveCellResult, ApiaryErrorData>('apiary/hive/close');
export const HiveReopenRequest = new RequestType<HiveReopenParams, HiveCellResult, ApiaryErrorData>('apiary/hive/reopen');
export const HiveDeleteRequest = new RequestType<HiveDeleteParams, HiveCellResult, ApiaryErrorData>('apiary/hive/delete');
export const HiveDepAddRequest = new RequestType<HiveDepAddParams, HiveCellResult, ApiaryErrorData>('apiary/hive/depAdd');
export const HiveDepRemoveRequest = new RequestType<HiveDepRemoveParams, HiveCellResult, ApiaryErrorData>('apiary/hive/depRemove');
export const HiveCommentRequest = new RequestType<HiveCommentParams, HiveCellResult, ApiaryErrorData>('apiary/hive/comment');
export const HiveReadyRequest = new RequestType<HiveReadyParams, HiveListResult, ApiaryErrorData>('apiary/hive/ready');
export const HiveListRequest = new RequestType<HiveListParams, HiveListResult, ApiaryErrorData>('apiary/hive/list');
export const HiveShowRequest = new RequestType<HiveShowParams, CellDetail, ApiaryErrorData>('apiary/hive/show');
export const HiveFindRequest = new RequestType<HiveFindParams, HiveListResult, ApiaryErrorData>('apiary/hive/find');
export const HiveSyncRequest = new RequestType<HiveSyncParams, HiveSyncResult, ApiaryErrorData>('apiary/hive/sync');
export const HiveImportRequest = new RequestType<HiveImportParams, HiveImportResult, ApiaryErrorData>('apiary/hive/import');
export const HiveExportRequest = new RequestType<HiveExportParams, HiveExportResult, ApiaryErrorData>('apiary/hive/export');

/** Pushed after hive events commit (coalesced): views re-query the cells named. */
export interface HiveChanged {
  /** Log position of the last event included. */
  position: number;
  ids: string[];
  types: HiveEventType[];
}
export const HiveChangedNotification = new NotificationType<HiveChanged>('apiary/hive/changed');
