// Refusals the hive's decisions share, so every surface words them the same way.
import { ApiaryError } from '../../../shared/errors';

export function cellNotFound(id: string): ApiaryError {
  return new ApiaryError('not_found', `no cell ${id}`, 'list cells with `apiary hive list` or find one with `apiary hive list --text WORDS`', { id });
}

/** Deleted cells are tombstones: visible to merges, invisible to work. */
export function cellDeleted(id: string): ApiaryError {
  return new ApiaryError('conflict', `${id} is deleted`, 'deleted cells are tombstones and cannot change; create a new cell instead', {
    id,
    status: 'deleted',
  });
}

export function invalid(message: string, hint: string, details?: Record<string, unknown>): ApiaryError {
  return new ApiaryError('invalid_params', message, hint, details);
}

export function conflict(message: string, hint: string, details?: Record<string, unknown>): ApiaryError {
  return new ApiaryError('conflict', message, hint, details);
}
