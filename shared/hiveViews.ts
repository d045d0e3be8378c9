// What views of the hive ask the host for beyond the hive's own requests (shared/hive.ts): the
// whole tree in one answer, and the state of `.hive/issues.jsonl` — lines the host could not use
// (left in the file, reported with their line numbers) and the true conflicts of the last
// three-way merge, which views show as problems on the file.
import { NotificationType, RequestType, RequestType0 } from 'vscode-jsonrpc';
import type { ApiaryErrorData } from './errors';
import type { CellSummary, HiveProblem } from './hive';

export interface HiveTreeParams {
  /** Closed cells too (default true); tombstones never. */
  includeClosed?: boolean;
}

export interface HiveTreeResult {
  /** Log position the answer reflects. */
  position: number;
  /** Most urgent first, then oldest (at most `limit` of them: see total). */
  cells: CellSummary[];
  total: number;
  /** For each blocked cell: the open cells it waits for. */
  blockedBy: Record<string, string[]>;
  /** Ids in the ready queue, in queue order. */
  ready: string[];
}

/** Every cell a tree shows, with blockers and the ready queue, in one round trip. */
export const HiveTreeRequest = new RequestType<HiveTreeParams, HiveTreeResult, ApiaryErrorData>('apiary/hive/tree');

export interface HiveFileConflict {
  id: string;
  field: string;
  winner: 'ours' | 'theirs';
  reason: string;
}

export interface HiveFileStatus {
  /** Absolute path of the hive file. */
  path: string;
  /** Lines of the file on disk the host could not parse (1-based line numbers in that file). */
  problems: HiveProblem[];
  /** True conflicts the last import of the file resolved (latest update won). */
  conflicts: HiveFileConflict[];
  /** When the host last read or wrote the file; null before the first time. */
  checkedAt: string | null;
}

export const HiveFileStatusRequest = new RequestType0<HiveFileStatus, ApiaryErrorData>('apiary/hive/fileStatus');
/** Pushed when the file's problems or conflicts change. */
export const HiveFileStatusNotification = new NotificationType<HiveFileStatus>('apiary/hive/fileStatusChanged');
