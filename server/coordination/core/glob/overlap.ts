// Do two reservation specs cover a common path? Decided exactly, and symmetrically, by a
// breadth-first search over the product of: a small automaton accepting only normalised paths
// (no empty, `.` or `..` segments), the two include automata, and a subset construction over
// the exclude automata (a path must escape every exclusion, so all their runs are tracked at
// once). The first accepting product state spells a shortest witness path. Patterns whose syntax
// is too general to decide structurally (extglobs, numeric ranges, ...) are decided on the
// concrete workspace files instead, and the answer says it is not exact.
import { type CharSet, DOT, SEGMENT_CHAR, SLASH, intersect, pick, refine, single, subtract } from './charset';
import { buildNfa, type Edge, type Nfa } from './nfa';
import { type CompiledPattern, type CompiledSpec, type GlobOptions, compileSpec } from './pattern';
import type { Segment } from './syntax';

export interface OverlapResult {
  overlap: boolean;
  /** A normalised path matched by both, when they overlap. */
  witness: string | null;
  /** False when decided on the workspace files (extglobs and friends): new files may still collide. */
  exact: boolean;
}

/** Product states explored before giving up on the structural decision. */
const MAX_STATES = 50_000;

// Valid normalised paths: segments non-empty and never `.` or `..`.
const NOT_DOT = subtract(SEGMENT_CHAR, single(DOT));
const PATH_EDGES: Edge[][] = [
  [{ set: single(DOT), to: 1 }, { set: NOT_DOT, to: 3 }],
  [{ set: single(DOT), to: 2 }, { set: NOT_DOT, to: 3 }],
  [{ set: SEGMENT_CHAR, to: 3 }],
  [{ set: SEGMENT_CHAR, to: 3 }, { set: single(SLASH), to: 0 }],
];
const PATH_ACCEPT = [false, false, false, true];

/** Convenience over raw entries (`!` entries exclude), e.g. overlap(['src/**', '!src/gen/**'], ['src/gen/x.ts']). */
export function overlap(
  a: string | readonly string[],
  b: string | readonly string[],
  options: GlobOptions & { files?: readonly string[] } = {},
): OverlapResult {
  const specA = compileSpec(typeof a === 'string' ? [a] : a, options);
  const specB = compileSpec(typeof b === 'string' ? [b] : b, options);
  return specsOverlap(specA, specB, options.files);
}

export function specsOverlap(a: CompiledSpec, b: CompiledSpec, files: readonly string[] = []): OverlapResult {
  // A plain path on either side: matching it against the other side is the exact answer.
  for (const [x, y] of [[a, b], [b, a]] as const) {
    if (x.include.every((p) => p.literals !== null)) {
      for (const path of x.include.flatMap((p) => p.literals ?? [])) {
        if (x.test(path) && y.test(path)) return { overlap: true, witness: path, exact: true };
      }
      return { overlap: false, witness: null, exact: true };
    }
  }
  const all = [...a.include, ...a.exclude, ...b.include, ...b.exclude];
  if (all.some((p) => p.alternatives === null)) return byFiles(a, b, files);
  if (!prefixesMeet(a.include, b.include)) return { overlap: false, witness: null, exact: true };
  const witness = search(includeAutomaton(a), includeAutomaton(b), excludeAutomaton(a, b));
  if (witness === undefined) return byFiles(a, b, files);
  if (witness === null) return { overlap: false, witness: null, exact: true };
  // The automata mirror picomatch's reading; should they ever disagree, trust picomatch.
  if (!(a.test(witness) && b.test(witness))) return byFiles(a, b, files);
  return { overlap: true, witness, exact: true };
}

function byFiles(a: CompiledSpec, b: CompiledSpec, files: readonly string[]): OverlapResult {
  for (const file of files) {
    if (a.test(file) && b.test(file)) return { overlap: true, witness: file, exact: false };
  }
  return { overlap: false, witness: null, exact: false };
}

/** Cheap refusal: leading plain segments that differ at the same depth can never meet. */
function prefixesMeet(a: readonly CompiledPattern[], b: readonly CompiledPattern[]): boolean {
  for (const pa of a) {
    for (const pb of b) {
      for (const xa of pa.prefixes) {
        for (const xb of pb.prefixes) {
          const n = Math.min(xa.length, xb.length);
          let meet = true;
          for (let i = 0; i < n && meet; i++) {
            meet = pa.nocase ? xa[i].toLowerCase() === xb[i].toLowerCase() : xa[i] === xb[i];
          }
          if (meet) return true;
        }
      }
    }
  }
  return false;
}

const includeCache = new WeakMap<CompiledSpec, Nfa>();

function includeAutomaton(spec: CompiledSpec): Nfa {
  if (spec.include.length === 1) return spec.include[0].automaton() as Nfa;
  let nfa = includeCache.get(spec);
  if (!nfa) {
    nfa = buildNfa(spec.include.flatMap((p) => p.alternatives as Segment[][]));
    includeCache.set(spec, nfa);
  }
  return nfa;
}

function excludeAutomaton(a: CompiledSpec, b: CompiledSpec): Nfa | null {
  const alternatives = [...a.exclude, ...b.exclude].flatMap((p) => p.alternatives as Segment[][]);
  return alternatives.length === 0 ? null : buildNfa(alternatives);
}

interface Node {
  path: number;
  a: number;
  b: number;
  /** States of the exclude automaton reachable on the prefix read so far (sorted). */
  ex: number[];
  parent: number;
  unit: number;
}

/** A witness path, null when none exists, undefined when the search was cut off. */
function search(a: Nfa, b: Nfa, ex: Nfa | null): string | null | undefined {
  const nodes: Node[] = [];
  const seen = new Set<string>();
  const visit = (path: number, qa: number, qb: number, exStates: number[], parent: number, unit: number): void => {
    const key = `${path}.${qa}.${qb}.${exStates.join(',')}`;
    if (seen.has(key)) return;
    seen.add(key);
    nodes.push({ path, a: qa, b: qb, ex: exStates, parent, unit });
  };
  visit(0, a.start, b.start, ex ? [ex.start] : [], -1, 0);
  for (let head = 0; head < nodes.length; head++) {
    if (nodes.length > MAX_STATES) return undefined;
    const node = nodes[head];
    if (
      PATH_ACCEPT[node.path] &&
      a.accept[node.a] &&
      b.accept[node.b] &&
      !(ex && node.ex.some((q) => ex.accept[q]))
    ) {
      return spell(nodes, head);
    }
    const exEdges = ex ? node.ex.flatMap((q) => ex.edges[q]) : [];
    for (const pe of PATH_EDGES[node.path]) {
      for (const ea of a.edges[node.a]) {
        const sa = intersect(pe.set, ea.set);
        if (sa.length === 0) continue;
        for (const eb of b.edges[node.b]) {
          const set: CharSet = intersect(sa, eb.set);
          if (set.length === 0) continue;
          if (exEdges.length === 0) {
            visit(pe.to, ea.to, eb.to, [], head, pick(set));
            continue;
          }
          for (const { part, members } of refine(set, exEdges.map((e) => e.set))) {
            const next = [...new Set(members.map((m) => exEdges[m].to))].sort((x, y) => x - y);
            visit(pe.to, ea.to, eb.to, next, head, pick(part));
          }
        }
      }
    }
  }
  return null;
}

function spell(nodes: readonly Node[], index: number): string {
  const units: number[] = [];
  for (let i = index; nodes[i].parent >= 0; i = nodes[i].parent) units.push(nodes[i].unit);
  return String.fromCharCode(...units.reverse());
}
