// Which worker builds which read model. A read model is a fold over the log in order, so it stays
// on one worker; the work is spread by how many events each handles in a sample of the log
// (largest first, each to the least loaded worker), which is what their cost follows for the
// ones that write a row per event.

/** Groups of names, at most `workers` of them, none empty; `load` is events per name. */
export function partition(load: ReadonlyMap<string, number>, workers: number): string[][] {
  const names = [...load.keys()].sort((a, b) => load.get(b)! - load.get(a)! || (a < b ? -1 : a > b ? 1 : 0));
  const groups = Array.from({ length: Math.max(1, Math.min(workers, names.length)) }, () => ({ names: [] as string[], load: 0 }));
  for (const name of names) {
    let least = groups[0]!;
    for (const g of groups) if (g.load < least.load || (g.load === least.load && g.names.length < least.names.length)) least = g;
    least.names.push(name);
    least.load += load.get(name)!;
  }
  return groups.filter((g) => g.names.length > 0).map((g) => g.names);
}
