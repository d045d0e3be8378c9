// Isolated copies of the workspace for best-of-N attempts: everything but .git, node_modules
// and .apiary is copied; node_modules is linked so an attempt starts in seconds.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const SKIP = new Set(['.git', 'node_modules', '.apiary']);

export async function isolatedCopy(workspace: string): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'apiary-attempt-'));
  const entries = await fs.readdir(workspace, { withFileTypes: true });
  for (const e of entries) {
    if (SKIP.has(e.name)) continue;
    await fs.cp(path.join(workspace, e.name), path.join(dir, e.name), { recursive: true, verbatimSymlinks: true });
  }
  const modules = path.join(workspace, 'node_modules');
  if (await fs.stat(modules).then(() => true, () => false)) await fs.symlink(modules, path.join(dir, 'node_modules'), 'dir');
  return dir;
}

export async function removeCopy(dir: string): Promise<void> {
  await fs.rm(dir, { recursive: true, force: true });
}

/** The new content of each of `files` that differs between the workspace and a copy (null: deleted). */
export async function copyChanges(workspace: string, copy: string, files: readonly string[]): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  for (const f of files) {
    const a = await fs.readFile(path.join(workspace, f), 'utf8').catch(() => null);
    const b = await fs.readFile(path.join(copy, f), 'utf8').catch(() => null);
    if (a !== b) out.set(f, b);
  }
  return out;
}

/** Lines added plus lines removed (multiset difference): a size for comparing diffs. */
export function diffSize(before: string, after: string): number {
  const count = (text: string) => {
    const m = new Map<string, number>();
    for (const l of text.split('\n')) m.set(l, (m.get(l) ?? 0) + 1);
    return m;
  };
  const a = count(before);
  const b = count(after);
  let n = 0;
  for (const [l, c] of a) n += Math.max(0, c - (b.get(l) ?? 0));
  for (const [l, c] of b) n += Math.max(0, c - (a.get(l) ?? 0));
  return n;
}
