// Rows of the hive tables → domain objects.
import type { SqlValue } from 'sql.js';
import type { Cell, CellComment, CellDependency, CellStatus, CellSummary, CellType, ClaimLease, Priority } from '../../shared/hive';
import type { Row } from './statements';

export const SUMMARY_COLUMNS =
  'id, title, type, status, priority, parent, assignee, labels, created_at, updated_at, claim_holder, claimed_at, claim_expires_at, blocked';

export const CELL_COLUMNS =
  'id, title, description, type, status, priority, parent, assignee, labels, files, metadata, created_at, updated_at, ' +
  'closed_at, close_reason, deleted_at, delete_reason, claim_holder, claimed_at, claim_expires_at';

const text = (v: SqlValue | undefined): string => (v === null || v === undefined ? '' : String(v));
const nullable = (v: SqlValue | undefined): string | null => (v === null || v === undefined ? null : String(v));

function json<T>(v: SqlValue | undefined, fallback: T): T {
  if (typeof v !== 'string') return fallback;
  try {
    return JSON.parse(v) as T;
  } catch {
    return fallback;
  }
}

function claimOf(row: Row): ClaimLease | null {
  if (row.claim_holder === null || row.claim_holder === undefined) return null;
  return { holder: String(row.claim_holder), claimedAt: text(row.claimed_at), expiresAt: text(row.claim_expires_at) };
}

export function toSummary(row: Row): CellSummary {
  return {
    id: text(row.id),
    title: text(row.title),
    type: text(row.type) as CellType,
    status: text(row.status) as CellStatus,
    priority: Number(row.priority) as Priority,
    parent: nullable(row.parent),
    assignee: nullable(row.assignee),
    labels: json<string[]>(row.labels, []),
    createdAt: text(row.created_at),
    updatedAt: text(row.updated_at),
    claim: claimOf(row),
    blocked: row.blocked === 1,
  };
}

export function toDependency(row: Row): CellDependency {
  return {
    dependsOn: text(row.depends_on),
    type: text(row.type) as CellDependency['type'],
    createdAt: text(row.created_at),
    createdBy: text(row.created_by),
  };
}

export function toComment(row: Row): CellComment {
  return { id: Number(row.id), author: text(row.author), text: text(row.text), createdAt: text(row.created_at) };
}

export function toCell(row: Row, dependencies: CellDependency[], comments: CellComment[]): Cell {
  return {
    id: text(row.id),
    title: text(row.title),
    description: text(row.description),
    type: text(row.type) as CellType,
    status: text(row.status) as CellStatus,
    priority: Number(row.priority) as Priority,
    parent: nullable(row.parent),
    assignee: nullable(row.assignee),
    labels: json<string[]>(row.labels, []),
    files: json<string[]>(row.files, []),
    dependencies,
    comments,
    metadata: json<Record<string, unknown>>(row.metadata, {}),
    createdAt: text(row.created_at),
    updatedAt: text(row.updated_at),
    closedAt: nullable(row.closed_at),
    closeReason: nullable(row.close_reason),
    deletedAt: nullable(row.deleted_at),
    deleteReason: nullable(row.delete_reason),
    claim: claimOf(row),
  };
}
