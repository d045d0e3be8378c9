// The workspace's files, for the rare reservation globs too general to compare structurally
// (extglobs and the like): the overlap core then checks concrete files instead. The listing is
// bounded, skips dependency and tool folders, runs in the background and is refreshed when a
// decision asks for it after it went stale, so no request ever waits on a directory walk.
import fs from 'node:fs/promises';
import path from 'node:path';

const SKIP = new Set(['node_modules', '.git', '.apiary', '.hg', '.svn']);

export interface WorkspaceFilesOptions {
  /** Stop after this many files (default 20,000). */
  limit?: number;
  /** A listing older than this is refreshed in the background (default 30 s). */
  maxAgeMs?: number;
  now?: () => number;
}

/** Workspace-relative paths with `/` separators, at most `limit` of them, breadth first. */
export async function listWorkspaceFiles(root: string, limit: number): Promise<string[]> {
  const out: string[] = [];
  let level = [''];
  while (level.length > 0 && out.length < limit) {
    const next: string[] = [];
    for (const dir of level) {
      let entries;
      try {
        entries = await fs.readdir(path.join(root, dir), { withFileTypes: true });
      } catch {
        continue; // vanished or unreadable: skip it
      }
      for (const e of entries) {
        const rel = dir ? `${dir}/${e.name}` : e.name;
        if (e.isDirectory()) {
          if (!SKIP.has(e.name)) next.push(rel);
        } else if (e.isFile() || e.isSymbolicLink()) {
          out.push(rel);
          if (out.length >= limit) return out;
        }
      }
    }
    level = next;
  }
  return out;
}

export class WorkspaceFiles {
  private files: readonly string[] = [];
  private listedAt = Number.NEGATIVE_INFINITY;
  private refreshing: Promise<void> | null = null;
  private readonly limit: number;
  private readonly maxAgeMs: number;
  private readonly now: () => number;

  constructor(
    private readonly root: string,
    options: WorkspaceFilesOptions = {},
  ) {
    this.limit = options.limit ?? 20_000;
    this.maxAgeMs = options.maxAgeMs ?? 30_000;
    this.now = options.now ?? Date.now;
  }

  /** The latest listing (possibly empty before the first one finished); starts a refresh when stale. */
  current(): readonly string[] {
    if (this.now() - this.listedAt > this.maxAgeMs) void this.refresh();
    return this.files;
  }

  refresh(): Promise<void> {
    this.refreshing ??= listWorkspaceFiles(this.root, this.limit)
      .then((files) => {
        this.files = files;
        this.listedAt = this.now();
      })
      .catch(() => {
        this.listedAt = this.now();
      })
      .finally(() => {
        this.refreshing = null;
      });
    return this.refreshing;
  }
}
