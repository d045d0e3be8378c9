// Routing `.hive/issues.jsonl` to the merge driver: a `.gitattributes` line (tracked, shared with
// the team) and the driver command in the repository's config (local to each clone, as git wants).
import fs from 'node:fs';
import path from 'node:path';
import git from 'isomorphic-git';
import { HIVE_GITATTRIBUTES_LINE, MERGE_DRIVER_COMMAND, MERGE_DRIVER_NAME } from './mergeDriver';

export interface MergeDriverSetup {
  /** True when the `.gitattributes` line was added now. */
  attributesAdded: boolean;
  command: string;
}

export async function installMergeDriver(dir: string, command = MERGE_DRIVER_COMMAND): Promise<MergeDriverSetup> {
  const file = path.join(dir, '.gitattributes');
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const present = text.split(/\r?\n/).some((line) => line.trim() === HIVE_GITATTRIBUTES_LINE);
  if (!present) fs.writeFileSync(file, text + (text === '' || text.endsWith('\n') ? '' : '\n') + HIVE_GITATTRIBUTES_LINE + '\n');
  await git.setConfig({ fs, dir, path: `merge.${MERGE_DRIVER_NAME}.name`, value: 'Apiary hive JSONL merge' });
  await git.setConfig({ fs, dir, path: `merge.${MERGE_DRIVER_NAME}.driver`, value: command });
  return { attributesAdded: !present, command };
}
