// Memory events, their stream, and how one changes a memory (used by the projection and by the
// in-memory bank alike, so both always agree).
import type { Memory } from '../../shared/memory';

export const MEMORY_STREAM_PREFIX = 'memory-';
export const memoryStream = (id: string): string => `${MEMORY_STREAM_PREFIX}${id}`;

export type MemoryEvent =
  | { type: 'memory.stored'; data: { memory: Memory } }
  | { type: 'memory.updated'; data: { id: string; text: string; tags: string[]; confidence: number; cells: string[]; updatedAt: string; validatedAt: string } }
  | { type: 'memory.validated'; data: { id: string; at: string } }
  | { type: 'memory.forgotten'; data: { id: string; reason?: string } };

export const MEMORY_EVENT_TYPES = ['memory.stored', 'memory.updated', 'memory.validated', 'memory.forgotten'];

/** The memory after the event (null: forgotten), given the memory before it. */
export function applyMemoryEvent(before: Memory | undefined, e: MemoryEvent): Memory | null | undefined {
  switch (e.type) {
    case 'memory.stored':
      return e.data.memory;
    case 'memory.updated':
      if (!before) return undefined;
      return { ...before, text: e.data.text, tags: e.data.tags, confidence: e.data.confidence, cells: e.data.cells, updatedAt: e.data.updatedAt, validatedAt: e.data.validatedAt };
    case 'memory.validated':
      return before ? { ...before, validatedAt: e.data.at } : undefined;
    case 'memory.forgotten':
      return null;
  }
}
