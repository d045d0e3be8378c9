// Cycle detection over blocking dependencies (`blocks` and the parent link). Adding the edge
// from → to ("from waits for to") closes a cycle exactly when `to` already reaches `from`.

/** Ids a cell waits for through blocking edges: its `blocks` targets and its parent. */
export type BlockingTargets = (id: string) => readonly string[];

/**
 * The cycle the new edge would close, as a path starting and ending at `from`
 * (`[a, b, a]`), or null. Breadth-first, so the shortest cycle is the one named.
 */
export function findCycle(from: string, to: string, targets: BlockingTargets): string[] | null {
  if (from === to) return [from, from];
  const cameFrom = new Map<string, string>([[to, '']]);
  const queue = [to];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i]!;
    for (const next of targets(node)) {
      if (cameFrom.has(next)) continue;
      cameFrom.set(next, node);
      if (next === from) {
        const path = [from];
        for (let n = node; n !== ''; n = cameFrom.get(n)!) path.push(n);
        // path is from ← … ← to walked backwards; the cycle reads from → to → … → from.
        return [from, ...path.slice(1).reverse(), from];
      }
      queue.push(next);
    }
  }
  return null;
}

export function formatCycle(cycle: readonly string[]): string {
  return cycle.join(' → ');
}
