// Shared memory: what agents learned and want the next agent to know. Types and requests only
// (the extension imports this file; the zod schemas are in memorySchemas.ts).
import { RequestType } from 'vscode-jsonrpc';
import type { ApiaryErrorData } from './errors';
import type { MemoryExportParams, MemoryFindParams, MemoryForgetParams, MemoryImportParams, MemoryStoreParams, MemoryValidateParams } from './memorySchemas';

export interface MemoryOrigin {
  agent: string;
  cell?: string;
}

export interface Memory {
  id: string;
  text: string;
  tags: string[];
  /** 0..1: how sure the author was. */
  confidence: number;
  origin: MemoryOrigin;
  /** Hive cells this memory is about. */
  cells: string[];
  createdAt: string;
  updatedAt: string;
  /** Last time someone confirmed it still holds; decay counts from here. */
  validatedAt: string;
}

export type UpsertAction = 'added' | 'updated' | 'unchanged';

export interface MemoryStoreResult {
  action: UpsertAction;
  memory: Memory;
  /** When `updated`/`unchanged`: how close the near-duplicate was (0..1). */
  similarity?: number;
}

export interface MemoryHit {
  memory: Memory;
  /** Final score after fusion, decay and confidence (higher is better; only order matters). */
  score: number;
  /** Which rankers found it. */
  via: Array<'lexical' | 'vector'>;
}

export interface MemoryFindResult {
  hits: MemoryHit[];
  /** True when an embeddings endpoint took part in the ranking. */
  vector: boolean;
}

export interface MemoryExportResult {
  path: string;
  count: number;
}

export interface MemoryImportResult {
  added: number;
  updated: number;
  unchanged: number;
}

export const MemoryStoreRequest = new RequestType<MemoryStoreParams, MemoryStoreResult, ApiaryErrorData>('apiary/memory/store');
export const MemoryFindRequest = new RequestType<MemoryFindParams, MemoryFindResult, ApiaryErrorData>('apiary/memory/find');
export const MemoryValidateRequest = new RequestType<MemoryValidateParams, Memory, ApiaryErrorData>('apiary/memory/validate');
export const MemoryForgetRequest = new RequestType<MemoryForgetParams, { id: string; forgotten: true }, ApiaryErrorData>('apiary/memory/forget');
export const MemoryExportRequest = new RequestType<MemoryExportParams, MemoryExportResult, ApiaryErrorData>('apiary/memory/export');
export const MemoryImportRequest = new RequestType<MemoryImportParams, MemoryImportResult, ApiaryErrorData>('apiary/memory/import');
