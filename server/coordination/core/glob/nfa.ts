// A glob as a finite automaton over characters (`/` included), built segment by segment:
// `**` matches zero or more whole segments (so `a/**/b` matches `a/b`, and a trailing `a/**`
// matches `a` itself, as picomatch does), `*` any run inside a segment, `?` and classes one
// character. Epsilon moves are removed at build time, so every state's edges already include
// those of the states it reaches for free.
import { type CharSet, SEGMENT_CHAR, single, SLASH } from './charset';
import type { Segment } from './syntax';

export interface Edge {
  set: CharSet;
  to: number;
}

export interface Nfa {
  start: number;
  accept: boolean[];
  edges: Edge[][];
}

const SLASH_SET = single(SLASH);

class Builder {
  readonly edges: Edge[][] = [];
  readonly free: number[][] = [];
  readonly accepting = new Set<number>();

  state(): number {
    this.edges.push([]);
    this.free.push([]);
    return this.edges.length - 1;
  }

  edge(from: number, set: CharSet, to: number): void {
    this.edges[from].push({ set, to });
  }

  epsilon(from: number, to: number): void {
    this.free[from].push(to);
  }

  /** Builds one alternative's chain from `start`. */
  alternative(start: number, segments: readonly Segment[]): void {
    let boundary = start;
    let previousEnd: number | null = null;
    segments.forEach((segment, index) => {
      const last = index === segments.length - 1;
      if (segment.globstar) {
        // One or more whole segments, looping back to the boundary after each `/`.
        const inside = this.state();
        this.edge(boundary, SEGMENT_CHAR, inside);
        this.edge(inside, SEGMENT_CHAR, inside);
        this.edge(inside, SLASH_SET, boundary);
        if (last) {
          this.accepting.add(inside);
          if (previousEnd !== null && segment.matchesParent) this.accepting.add(previousEnd);
        } else {
          const next = this.state();
          this.epsilon(boundary, next);
          boundary = next;
        }
        previousEnd = null;
        return;
      }
      let cursor = boundary;
      for (const token of segment.tokens) {
        const next = this.state();
        if (token.kind === 'star') {
          this.epsilon(cursor, next);
          this.edge(next, SEGMENT_CHAR, next);
        } else this.edge(cursor, token.set, next);
        cursor = next;
      }
      if (last) this.accepting.add(cursor);
      else {
        const next = this.state();
        this.edge(cursor, SLASH_SET, next);
        boundary = next;
      }
      previousEnd = cursor;
    });
  }

  build(start: number): Nfa {
    const count = this.edges.length;
    const edges: Edge[][] = [];
    const accept: boolean[] = [];
    for (let q = 0; q < count; q++) {
      const closure = this.closure(q);
      edges.push(closure.flatMap((r) => this.edges[r]));
      accept.push(closure.some((r) => this.accepting.has(r)));
    }
    return { start, accept, edges };
  }

  private closure(q: number): number[] {
    const seen = new Set<number>([q]);
    const stack = [q];
    while (stack.length > 0) {
      const r = stack.pop() as number;
      for (const t of this.free[r]) {
        if (!seen.has(t)) {
          seen.add(t);
          stack.push(t);
        }
      }
    }
    return [...seen];
  }
}

/** One automaton accepting the union of the alternatives. */
export function buildNfa(alternatives: ReadonlyArray<readonly Segment[]>): Nfa {
  const builder = new Builder();
  const start = builder.state();
  for (const segments of alternatives) {
    const altStart = builder.state();
    builder.epsilon(start, altStart);
    builder.alternative(altStart, segments);
  }
  return builder.build(start);
}
