// Which files both sides of a merge changed. isomorphic-git hands its merge driver only a file's
// base name, so sync decides up front: when `.hive/issues.jsonl` is the only file both sides
// touched, every driver call is for it; anything else stops the sync before the merge starts.
import fs from 'node:fs';
import git, { TREE } from 'isomorphic-git';

export async function filesChangedOnBothSides(dir: string, ours: string, theirs: string): Promise<string[]> {
  const bases = await git.findMergeBase({ fs, dir, oids: [ours, theirs] });
  if (bases.length !== 1) return []; // unrelated or criss-cross histories: merge itself refuses those
  const changed: string[] = [];
  await git.walk({
    fs,
    dir,
    trees: [TREE({ ref: String(bases[0]) }), TREE({ ref: ours }), TREE({ ref: theirs })],
    map: async (filepath, [base, mine, yours]) => {
      if (filepath === '.') return true;
      const [b, o, t] = await Promise.all([base?.oid(), mine?.oid(), yours?.oid()]);
      // Same on both sides, or changed on one side only: nothing below can conflict.
      if (o === t || b === o || b === t) return null;
      const [oType, tType] = await Promise.all([mine?.type(), yours?.type()]);
      if (oType === 'tree' && tType === 'tree') return true;
      changed.push(filepath);
      return null;
    },
  });
  return changed.sort();
}
