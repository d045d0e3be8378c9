// Commits `.hive/` and nothing else. The commit's tree is HEAD's tree with the `.hive` folder
// replaced by the files on disk, so whatever else the user has staged stays staged and out of the
// hive's commit.
import fs from 'node:fs';
import path from 'node:path';
import git from 'isomorphic-git';

export const HIVE_DIR = '.hive';

export interface GitAuthor {
  name: string;
  email: string;
}

export const DEFAULT_AUTHOR: GitAuthor = { name: 'Apiary', email: 'apiary@localhost' };

/** The author of hive commits: given, else the repository's user.name/user.email, else Apiary. */
export async function hiveAuthor(dir: string, given?: Partial<GitAuthor>): Promise<GitAuthor> {
  const name = given?.name ?? ((await git.getConfig({ fs, dir, path: 'user.name' })) as string | undefined);
  const email = given?.email ?? ((await git.getConfig({ fs, dir, path: 'user.email' })) as string | undefined);
  return { name: name || DEFAULT_AUTHOR.name, email: email || DEFAULT_AUTHOR.email };
}

export async function headOid(dir: string): Promise<string | null> {
  try {
    return await git.resolveRef({ fs, dir, ref: 'HEAD' });
  } catch {
    return null; // an unborn branch: no commit yet
  }
}

/** Files the hive folder holds (flat); temporary and hidden files are not the hive's content. */
function hiveFiles(dir: string): string[] {
  const folder = path.join(dir, HIVE_DIR);
  if (!fs.existsSync(folder)) return [];
  return fs
    .readdirSync(folder, { withFileTypes: true })
    .filter((e) => e.isFile() && !e.name.startsWith('.') && !e.name.endsWith('.tmp'))
    .map((e) => e.name)
    .sort();
}

/** Commits the working copy of `.hive/` on the current branch; null when it matches HEAD already. */
export async function commitHiveDir(dir: string, message: string, author: GitAuthor): Promise<string | null> {
  const parent = await headOid(dir);
  const rootEntries = parent ? (await git.readTree({ fs, dir, oid: parent })).tree : [];
  const names = hiveFiles(dir);
  const hiveEntries = [];
  for (const name of names) {
    const oid = await git.writeBlob({ fs, dir, blob: fs.readFileSync(path.join(dir, HIVE_DIR, name)) });
    hiveEntries.push({ mode: '100644', path: name, oid, type: 'blob' as const });
  }
  const entries = rootEntries.filter((e) => e.path !== HIVE_DIR);
  if (hiveEntries.length) {
    entries.push({ mode: '040000', path: HIVE_DIR, oid: await git.writeTree({ fs, dir, tree: hiveEntries }), type: 'tree' });
  }
  const tree = await git.writeTree({ fs, dir, tree: entries });
  if (parent && (await git.readCommit({ fs, dir, oid: parent })).commit.tree === tree) return null;
  if (!parent && hiveEntries.length === 0) return null;

  const oid = await git.commit({ fs, dir, message, author, tree, parent: parent ? [parent] : [] });
  // Bring the index in line for .hive only, so `git status` shows it clean.
  for (const name of names) await git.add({ fs, dir, filepath: `${HIVE_DIR}/${name}` });
  for (const file of await git.listFiles({ fs, dir })) {
    if (file.startsWith(`${HIVE_DIR}/`) && !names.includes(file.slice(HIVE_DIR.length + 1))) await git.remove({ fs, dir, filepath: file });
  }
  return oid;
}
