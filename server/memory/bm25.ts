// A BM25 inverted index of our own (sql.js has FTS3/4 without a BM25 ranker, and an in-memory
// index answers a query over 50,000 memories in a few milliseconds). Documents are added and
// removed by id; scores use the usual k1 = 1.2, b = 0.75.
export interface ScoredId {
  id: string;
  score: number;
}

const K1 = 1.2;
const B = 0.75;

export class Bm25Index {
  private readonly postings = new Map<string, Map<number, number>>();
  private readonly docTerms: Array<string[] | undefined> = [];
  private lengths = new Float64Array(1024);
  private scores = new Float64Array(1024);
  private readonly ids: string[] = [];
  private readonly slots = new Map<string, number>();
  private totalLength = 0;
  private live = 0;

  get size(): number {
    return this.live;
  }

  /** Adds or replaces a document; `extra` terms (tags) match like words but don't lengthen it. */
  set(id: string, terms: string[], extra: string[] = []): void {
    this.remove(id);
    let slot = this.slots.get(id);
    if (slot === undefined) {
      slot = this.ids.length;
      this.ids.push(id);
      this.slots.set(id, slot);
      if (slot >= this.lengths.length) {
        const grow = (a: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> => {
          const b = new Float64Array(a.length * 2);
          b.set(a);
          return b;
        };
        this.lengths = grow(this.lengths);
        this.scores = grow(this.scores);
      }
    }
    const counts = new Map<string, number>();
    for (const t of terms) counts.set(t, (counts.get(t) ?? 0) + 1);
    for (const t of extra) counts.set(t, Math.max(1, counts.get(t) ?? 0));
    for (const [t, n] of counts) {
      let p = this.postings.get(t);
      if (!p) this.postings.set(t, (p = new Map()));
      p.set(slot, n);
    }
    const len = Math.max(1, terms.length);
    this.docTerms[slot] = [...counts.keys()];
    this.lengths[slot] = len;
    this.totalLength += len;
    this.live++;
  }

  remove(id: string): void {
    const slot = this.slots.get(id);
    if (slot === undefined) return;
    const ts = this.docTerms[slot];
    if (!ts) return;
    for (const t of ts) {
      const p = this.postings.get(t);
      p?.delete(slot);
      if (p && p.size === 0) this.postings.delete(t);
    }
    this.totalLength -= this.lengths[slot]!;
    this.docTerms[slot] = undefined;
    this.lengths[slot] = 0;
    this.live--;
  }

  search(queryTerms: string[], limit: number, accept?: (id: string) => boolean): ScoredId[] {
    const n = this.live;
    if (n === 0) return [];
    const avg = this.totalLength / n;
    const scores = this.scores;
    const touched: number[] = [];
    for (const t of new Set(queryTerms)) {
      const p = this.postings.get(t);
      if (!p) continue;
      const idf = Math.log(1 + (n - p.size + 0.5) / (p.size + 0.5));
      for (const [slot, tf] of p) {
        if (scores[slot] === 0) touched.push(slot);
        scores[slot]! += (idf * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * this.lengths[slot]!) / avg));
      }
    }
    // Keep the best `limit` in a small sorted array: cheaper than sorting every match.
    const best: ScoredId[] = [];
    for (const slot of touched) {
      const score = scores[slot]!;
      scores[slot] = 0;
      if (best.length === limit && score <= best[best.length - 1]!.score) continue;
      const id = this.ids[slot]!;
      if (accept && !accept(id)) continue;
      let i = best.length;
      while (i > 0 && (best[i - 1]!.score < score || (best[i - 1]!.score === score && best[i - 1]!.id > id))) i--;
      best.splice(i, 0, { id, score });
      if (best.length > limit) best.pop();
    }
    return best;
  }
}
