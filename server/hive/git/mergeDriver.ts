// `.hive/issues.jsonl` merged by meaning instead of by text: git's merge driver entry (for
// `apiary hive merge-driver %O %A %B`) and the same merge for isomorphic-git's merges in sync.
import fs from 'node:fs';
import type { HiveProblem } from '../../../shared/hive';
import { mergeHive, type MergeConflict } from '../core/merge';
import { HIVE_DIR } from './commit';

export const HIVE_FILE = `${HIVE_DIR}/issues.jsonl`;
export const MERGE_DRIVER_NAME = 'apiary-hive';
/** The line `.gitattributes` needs to route the hive file to the driver. */
export const HIVE_GITATTRIBUTES_LINE = `${HIVE_FILE} merge=${MERGE_DRIVER_NAME}`;
/** The driver command git runs (`git config merge.apiary-hive.driver "<this>"`). */
export const MERGE_DRIVER_COMMAND = 'apiary hive merge-driver %O %A %B';

export interface DriverReport {
  problems: HiveProblem[];
  conflicts: MergeConflict[];
}

/**
 * Git's merge-driver contract: base (%O), ours (%A) and theirs (%B) are files; the result replaces
 * ours. Returns the exit code: 0 merged cleanly, 1 merged but some lines could not be parsed (they
 * are kept in the result and listed on stderr, and git leaves the file marked for a person to look
 * at), 2 when the files could not be read or written.
 */
export function mergeDriver(basePath: string, oursPath: string, theirsPath: string, log: (line: string) => void = (l) => process.stderr.write(l + '\n')): number {
  let base: string;
  let ours: string;
  let theirs: string;
  try {
    base = fs.existsSync(basePath) ? fs.readFileSync(basePath, 'utf8') : '';
    ours = fs.readFileSync(oursPath, 'utf8');
    theirs = fs.readFileSync(theirsPath, 'utf8');
  } catch (err) {
    log(`apiary hive merge-driver: ${err instanceof Error ? err.message : String(err)}`);
    return 2;
  }
  const result = mergeHive(base, ours, theirs, { now: Date.now() });
  try {
    fs.writeFileSync(oursPath, result.text);
  } catch (err) {
    log(`apiary hive merge-driver: ${err instanceof Error ? err.message : String(err)}`);
    return 2;
  }
  for (const c of result.conflicts) log(`${c.id} ${c.field}: ${c.reason} (${c.winner})`);
  for (const p of result.problems) log(`${p.source ?? 'file'} line ${p.line}: ${p.reason}`);
  return result.problems.length ? 1 : 0;
}

/**
 * A merge driver for isomorphic-git: the hive file is merged by mergeHive; anything else both
 * sides changed is reported as not merged, so the merge stops before touching the work tree.
 * isomorphic-git passes only the base name, so sync first makes sure the hive file is the one
 * file both sides changed (see changes.ts).
 */
export function hiveMergeDriver(report: DriverReport) {
  return ({ contents, path }: { branches: string[]; contents: string[]; path: string }): { cleanMerge: boolean; mergedText: string } => {
    const [base = '', ours = '', theirs = ''] = contents;
    if (path !== HIVE_FILE && path !== HIVE_FILE.slice(HIVE_FILE.lastIndexOf('/') + 1)) return { cleanMerge: false, mergedText: ours };
    const result = mergeHive(base, ours, theirs, { now: Date.now() });
    report.problems.push(...result.problems);
    report.conflicts.push(...result.conflicts);
    return { cleanMerge: true, mergedText: result.text };
  };
}
