// `apiary hive sync`: commit `.hive/`, then — when the repository has a remote — fetch, merge
// (the hive file through the three-way JSONL merge), update the work tree, and push. All through
// isomorphic-git, so no git binary is needed. isomorphic-git speaks HTTP(S) to remotes.
import fs from 'node:fs';
import git from 'isomorphic-git';
import http from 'isomorphic-git/http/node';
import { ApiaryError } from '../../../shared/errors';
import type { HiveSyncResult } from '../../../shared/hive';
import { filesChangedOnBothSides } from './changes';
import { commitHiveDir, headOid, hiveAuthor, type GitAuthor } from './commit';
import { HIVE_FILE, hiveMergeDriver, type DriverReport } from './mergeDriver';

export interface HiveSyncOptions {
  /** The repository's work tree (the workspace). */
  dir: string;
  message?: string;
  author?: Partial<GitAuthor>;
  /** Remote name; `origin`, or the only remote there is, when absent. */
  remote?: string;
  pull?: boolean;
  push?: boolean;
  /** Credentials for the remote, when it asks. */
  onAuth?: () => { username?: string; password?: string } | undefined;
}

const PULL_RANK: ReadonlyArray<HiveSyncResult['pulled']> = ['none', 'up-to-date', 'fast-forward', 'merge'];

type GitErrorLike = { code?: unknown; data?: unknown; message?: unknown };
const codeOf = (err: unknown): string => (typeof (err as GitErrorLike)?.code === 'string' ? ((err as GitErrorLike).code as string) : '');
const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

async function pickRemote(dir: string, wanted: string | undefined): Promise<{ remote: string; url: string } | null> {
  const remotes = await git.listRemotes({ fs, dir });
  if (wanted !== undefined) {
    const found = remotes.find((r) => r.remote === wanted);
    if (!found) {
      throw new ApiaryError('not_found', `no git remote named ${wanted}`, `remotes here: ${remotes.map((r) => r.remote).join(', ') || 'none'}`);
    }
    return found;
  }
  return remotes.find((r) => r.remote === 'origin') ?? (remotes.length === 1 ? remotes[0]! : null);
}

async function hiveBlob(dir: string, commit: string | null): Promise<string | null> {
  if (!commit) return null;
  try {
    return (await git.readBlob({ fs, dir, oid: commit, filepath: HIVE_FILE })).oid;
  } catch {
    return null;
  }
}

async function remoteHead(dir: string, remote: string, branch: string): Promise<string | null> {
  try {
    return await git.resolveRef({ fs, dir, ref: `refs/remotes/${remote}/${branch}` });
  } catch {
    return null;
  }
}

function bothChanged(remote: string, branch: string, files: string[]): ApiaryError {
  return new ApiaryError(
    'conflict',
    `${remote}/${branch} changed ${files.length ? files.join(', ') : 'files'} that this clone changed too`,
    'merge those files with git, commit, then sync again; the hive file merges itself',
    { files },
  );
}

/** Brings the remote branch in: fast-forward or merge commit, then the work tree follows. */
async function pull(dir: string, remote: string, branch: string, author: GitAuthor, report: DriverReport): Promise<HiveSyncResult['pulled']> {
  const theirs = await remoteHead(dir, remote, branch);
  if (!theirs) return 'none'; // the remote has no such branch yet: the push creates it
  const before = await headOid(dir);
  if (!before) {
    // A fresh repository with nothing committed yet simply takes the remote's branch.
    await git.writeRef({ fs, dir, ref: `refs/heads/${branch}`, value: theirs, force: true });
    await git.checkout({ fs, dir, ref: branch });
    return 'fast-forward';
  }
  const others = (await filesChangedOnBothSides(dir, before, theirs)).filter((f) => f !== HIVE_FILE);
  if (others.length) throw bothChanged(remote, branch, others);
  let merged;
  try {
    merged = await git.merge({
      fs,
      dir,
      ours: branch,
      theirs: `refs/remotes/${remote}/${branch}`,
      author,
      message: `Merge ${remote}/${branch} (apiary hive sync)`,
      mergeDriver: hiveMergeDriver(report),
      abortOnConflict: true,
    });
  } catch (err) {
    const code = codeOf(err);
    if (code === 'MergeConflictError' || code === 'MergeNotSupportedError') {
      throw bothChanged(remote, branch, ((err as GitErrorLike).data as { filepaths?: string[] } | undefined)?.filepaths ?? []);
    }
    throw err;
  }
  if (merged.alreadyMerged) return 'up-to-date';
  try {
    await git.checkout({ fs, dir, ref: branch });
  } catch (err) {
    // Leave the branch where the work tree is, so nothing is half-applied.
    await git.writeRef({ fs, dir, ref: `refs/heads/${branch}`, value: before, force: true });
    if (codeOf(err) === 'CheckoutConflictError') {
      const files = ((err as GitErrorLike).data as { filepaths?: string[] } | undefined)?.filepaths ?? [];
      throw new ApiaryError('conflict', `local changes to ${files.join(', ')} would be overwritten by ${remote}/${branch}`, 'commit or stash them, then sync again', { files });
    }
    throw err;
  }
  return merged.fastForward ? 'fast-forward' : 'merge';
}

export async function syncHive(options: HiveSyncOptions): Promise<HiveSyncResult> {
  const { dir } = options;
  const branch = await git.currentBranch({ fs, dir });
  if (!branch) throw new ApiaryError('conflict', 'the repository is not on a branch (detached HEAD)', 'check out a branch, then sync again');
  const author = await hiveAuthor(dir, options.author);
  const committed = await commitHiveDir(dir, options.message ?? 'Update hive', author);
  const result: HiveSyncResult = {
    committed,
    remote: null,
    pulled: 'none',
    pushed: false,
    head: await headOid(dir),
    hiveFileChanged: false,
    problems: [],
  };
  const target = await pickRemote(dir, options.remote);
  if (!target) return result;
  result.remote = target.remote;
  const report: DriverReport = { problems: [], conflicts: [] };
  const hiveBefore = await hiveBlob(dir, result.head);
  const remoteOptions = { fs, http, dir, remote: target.remote, ...(options.onAuth ? { onAuth: options.onAuth } : {}) };

  // Twice at most: a push rejected because the remote moved meanwhile fetches and merges again.
  for (let attempt = 0; attempt < 2; attempt++) {
    if (options.pull !== false) {
      try {
        await git.fetch({ ...remoteOptions, ref: branch, singleBranch: true, tags: false });
      } catch (err) {
        // An empty remote has nothing to fetch; anything else is worth reporting.
        if (codeOf(err) !== 'NotFoundError') {
          throw new ApiaryError('unavailable', `could not fetch from ${target.remote}: ${messageOf(err)}`, `check that ${target.url} is reachable`);
        }
      }
      const pulled = await pull(dir, target.remote, branch, author, report);
      if (PULL_RANK.indexOf(pulled) > PULL_RANK.indexOf(result.pulled)) result.pulled = pulled;
    }
    if (options.push === false) break;
    try {
      const pushed = await git.push({ ...remoteOptions, ref: branch });
      if (!pushed.ok) throw Object.assign(new Error(pushed.error ?? 'push rejected'), { code: 'PushRejectedError' });
      result.pushed = true;
      break;
    } catch (err) {
      if (attempt === 0 && options.pull !== false && codeOf(err) === 'PushRejectedError') continue;
      throw new ApiaryError('unavailable', `could not push to ${target.remote}: ${messageOf(err)}`, 'sync again; if it keeps failing, pull and push with git');
    }
  }

  result.head = await headOid(dir);
  result.hiveFileChanged = (await hiveBlob(dir, result.head)) !== hiveBefore;
  result.problems = report.problems;
  return result;
}
