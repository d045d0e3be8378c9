// The state of `.hive/issues.jsonl` as the host sees it: lines it could not use (left in the file,
// reported with their line numbers) and the true conflicts of the last three-way merge. Views show
// these as problems on the file.
import { NotificationType, RequestType0 } from 'vscode-jsonrpc';
import type { ApiaryErrorData } from './errors';
import type { HiveProblem } from './hive';

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
