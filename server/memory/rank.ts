// Ranking: lexical (BM25) and, when embeddings are configured, vector similarity are fused by
// reciprocal rank fusion; the result is weighted by decay since the memory was last validated
// and by its confidence. Old or unsure memories sink but never vanish.
import type { Memory } from '../../shared/memory';
import { decayWeight } from '../learning/decay';

export const RRF_K = 60;

export interface RankedList {
  name: 'lexical' | 'vector';
  ids: string[];
  /** Raw scores aligned with ids (only used when this is the sole list). */
  scores: number[];
}

export function memoryWeight(m: Memory, nowMs: number): number {
  return (0.5 + 0.5 * decayWeight(Date.parse(m.validatedAt), nowMs)) * (0.5 + 0.5 * m.confidence);
}

/** Fused, weighted scores per id, with the rankers that found each. */
export function fuse(lists: RankedList[], weightOf: (id: string) => number): Array<{ id: string; score: number; via: Array<'lexical' | 'vector'> }> {
  const acc = new Map<string, { score: number; via: Array<'lexical' | 'vector'> }>();
  const single = lists.filter((l) => l.ids.length > 0).length <= 1;
  for (const list of lists) {
    const top = list.scores[0] ?? 1;
    list.ids.forEach((id, rank) => {
      // With one ranker, keep its score shape (normalised); fusion only needs ranks.
      const s = single ? (list.scores[rank] ?? 0) / (top || 1) : 1 / (RRF_K + rank + 1);
      const cur = acc.get(id) ?? { score: 0, via: [] };
      cur.score += s;
      cur.via.push(list.name);
      acc.set(id, cur);
    });
  }
  return [...acc]
    .map(([id, v]) => ({ id, score: v.score * weightOf(id), via: v.via }))
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}
