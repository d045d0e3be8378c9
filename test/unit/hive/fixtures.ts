// Records for format and merge tests.
import type { CellRecord } from '../../../shared/hive';

export function record(id: string, fields: Partial<CellRecord> = {}): CellRecord {
  return {
    id,
    title: `cell ${id}`,
    description: '',
    type: 'task',
    status: 'open',
    priority: 2,
    parent: null,
    assignee: null,
    labels: [],
    files: [],
    dependencies: [],
    comments: [],
    metadata: {},
    createdAt: '2025-03-01T09:00:00.000Z',
    updatedAt: '2025-03-01T09:00:00.000Z',
    closedAt: null,
    closeReason: null,
    deletedAt: null,
    deleteReason: null,
    ...fields,
  };
}
