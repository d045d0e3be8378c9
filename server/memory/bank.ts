// The memory bank: memories by id with their lexical index (and vectors, when embeddings are
// configured). Pure: it decides what a store/validate/forget means and returns the event to
// append; `apply` folds committed events back in. The host keeps one, fed by its read model.
import { ApiaryError } from '../../shared/errors';
import type { Memory, MemoryFindResult, MemoryOrigin, UpsertAction } from '../../shared/memory';
import { Bm25Index } from './bm25';
import { applyMemoryEvent, type MemoryEvent } from './events';
import { cosine, fuse, memoryWeight, type RankedList } from './rank';
import { terms } from './text';

/** Term-set similarity at or above this makes a new memory an update of an old one. */
export const DUPLICATE_SIMILARITY = 0.6;
const CANDIDATES = 50;

export interface StoreInput {
  text: string;
  tags: string[];
  confidence: number;
  cells: string[];
  origin: MemoryOrigin;
}

export interface StorePlan {
  action: UpsertAction;
  memory: Memory;
  similarity?: number;
  event?: MemoryEvent;
}

function termSet(m: Pick<Memory, 'text'>): Set<string> {
  return new Set(terms(m.text));
}

/** Jaccard similarity of the two texts' canonical term sets. */
export function similarity(a: string, b: string): number {
  const x = new Set(terms(a));
  const y = new Set(terms(b));
  if (x.size === 0 || y.size === 0) return 0;
  let common = 0;
  for (const t of x) if (y.has(t)) common++;
  return common / (x.size + y.size - common);
}

const union = (a: string[], b: string[]): string[] => [...new Set([...a, ...b])].sort();

export class MemoryBank {
  private readonly memories = new Map<string, Memory>();
  private readonly index = new Bm25Index();
  private readonly vectors = new Map<string, number[]>();

  get size(): number {
    return this.memories.size;
  }

  get(id: string): Memory | undefined {
    return this.memories.get(id);
  }

  all(): Memory[] {
    return [...this.memories.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  apply(e: MemoryEvent): void {
    const id = e.type === 'memory.stored' ? e.data.memory.id : e.data.id;
    const next = applyMemoryEvent(this.memories.get(id), e);
    if (next === undefined) return;
    if (next === null) {
      this.memories.delete(id);
      this.index.remove(id);
      this.vectors.delete(id);
      return;
    }
    const textChanged = this.memories.get(id)?.text !== next.text;
    this.memories.set(id, next);
    this.index.set(id, terms(next.text), next.tags.flatMap((t) => terms(t)));
    if (textChanged) this.vectors.delete(id);
  }

  setVector(id: string, v: number[]): void {
    if (this.memories.has(id)) this.vectors.set(id, v);
  }

  missingVectors(): Memory[] {
    return [...this.memories.values()].filter((m) => !this.vectors.has(m.id));
  }

  /** The closest existing memory by term-set similarity, if any shares a term. */
  nearest(text: string): { memory: Memory; similarity: number } | null {
    let best: { memory: Memory; similarity: number } | null = null;
    for (const hit of this.index.search(terms(text), 10)) {
      const m = this.memories.get(hit.id)!;
      const s = similarity(text, m.text);
      if (!best || s > best.similarity) best = { memory: m, similarity: s };
    }
    return best;
  }

  /** What storing this text means: a new memory, an update of a near-duplicate, or nothing new. */
  planStore(input: StoreInput, nowIso: string, newId: () => string): StorePlan {
    const near = this.nearest(input.text);
    if (near && near.similarity >= DUPLICATE_SIMILARITY) {
      const m = near.memory;
      const tags = union(m.tags, input.tags);
      const cells = union(m.cells, input.cells);
      const confidence = Math.max(m.confidence, input.confidence);
      const sameText = m.text.trim().toLowerCase() === input.text.trim().toLowerCase();
      if (sameText && tags.length === m.tags.length && cells.length === m.cells.length && confidence === m.confidence) {
        return { action: 'unchanged', memory: m, similarity: round(near.similarity) };
      }
      // The newer phrasing wins; storing it again also confirms the memory still holds.
      const data = { id: m.id, text: input.text, tags, confidence, cells, updatedAt: nowIso, validatedAt: nowIso };
      const event: MemoryEvent = { type: 'memory.updated', data };
      return { action: 'updated', memory: applyMemoryEvent(m, event) as Memory, similarity: round(near.similarity), event };
    }
    const memory: Memory = {
      id: newId(),
      text: input.text,
      tags: [...new Set(input.tags)].sort(),
      confidence: input.confidence,
      origin: input.origin,
      cells: [...new Set(input.cells)].sort(),
      createdAt: nowIso,
      updatedAt: nowIso,
      validatedAt: nowIso,
    };
    return { action: 'added', memory, event: { type: 'memory.stored', data: { memory } } };
  }

  planValidate(id: string, nowIso: string): MemoryEvent {
    this.require(id);
    return { type: 'memory.validated', data: { id, at: nowIso } };
  }

  planForget(id: string, reason?: string): MemoryEvent {
    this.require(id);
    return { type: 'memory.forgotten', data: reason ? { id, reason } : { id } };
  }

  require(id: string): Memory {
    const m = this.memories.get(id);
    if (!m) throw new ApiaryError('not_found', `no memory ${id}`, 'Find memories with memory_find (or `apiary memory find "<query>"`) to get their ids.', { id });
    return m;
  }

  find(query: string, limit: number, nowMs: number, opts: { tags?: string[]; queryVector?: number[] } = {}): MemoryFindResult {
    const tagFilter = opts.tags?.length ? new Set(opts.tags) : null;
    const accept = tagFilter ? (id: string) => this.memories.get(id)!.tags.some((t) => tagFilter.has(t)) : undefined;
    const lexical = this.index.search(terms(query), CANDIDATES, accept);
    const lists: RankedList[] = [{ name: 'lexical', ids: lexical.map((h) => h.id), scores: lexical.map((h) => h.score) }];
    const qv = opts.queryVector;
    if (qv && this.vectors.size) {
      const scored: Array<{ id: string; score: number }> = [];
      for (const [id, v] of this.vectors) if (!accept || accept(id)) scored.push({ id, score: cosine(qv, v) });
      scored.sort((a, b) => b.score - a.score);
      const top = scored.slice(0, CANDIDATES);
      lists.push({ name: 'vector', ids: top.map((h) => h.id), scores: top.map((h) => h.score) });
    }
    const fused = fuse(lists, (id) => memoryWeight(this.memories.get(id)!, nowMs));
    return {
      hits: fused.slice(0, limit).map((f) => ({ memory: this.memories.get(f.id)!, score: round(f.score, 4), via: f.via })),
      vector: lists.length > 1,
    };
  }

  termsOf(m: Memory): Set<string> {
    return termSet(m);
  }
}

function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
