// Installing the commit guard: writes `.git/hooks/pre-commit` (or under core.hooksPath) from the
// core's script. Our own hook (recognised by its marker) is updated in place; a foreign hook is
// left alone unless forced, and then kept beside ours and run first, so installing the guard
// never silently drops a team's existing checks.
import fs from 'node:fs';
import path from 'node:path';
import git from 'isomorphic-git';
import { ApiaryError } from '../../shared/errors';
import { GUARD_HOOK_MARKER, preCommitHookScript, shellQuote } from './core/guardHook';

/** Where a forced install keeps the hook it found. */
export const PREVIOUS_HOOK = 'pre-commit.apiary-previous';
const CHAIN_MARKER = '# apiary-guard: runs the hook that was here before';

export interface HookInstallResult {
  hook: string;
  /** created · updated (our hook was there) · chained (a foreign hook was kept and runs first) */
  action: 'created' | 'updated' | 'chained';
  /** The foreign hook kept beside ours, when there is one. */
  previous: string | null;
}

/** The repository's git directory (a worktree's `.git` file points to it). */
function gitDir(workspace: string): string {
  const dotGit = path.join(workspace, '.git');
  let st: fs.Stats;
  try {
    st = fs.statSync(dotGit);
  } catch {
    throw new ApiaryError('not_found', `${workspace} is not the root of a git repository`, 'Run it in the repository root (where .git is), or git init first.', { workspace });
  }
  if (st.isDirectory()) return dotGit;
  const m = /^gitdir:\s*(.+)\s*$/m.exec(fs.readFileSync(dotGit, 'utf8'));
  if (!m) throw new ApiaryError('invalid_params', `${dotGit} is neither a folder nor a gitdir link`, 'Repair the repository, then install the guard again.');
  return path.resolve(workspace, m[1]!);
}

async function hooksDir(workspace: string): Promise<string> {
  const dir = gitDir(workspace);
  let configured: unknown;
  try {
    configured = await git.getConfig({ fs, dir: workspace, gitdir: dir, path: 'core.hooksPath' });
  } catch {
    configured = undefined;
  }
  if (typeof configured === 'string' && configured.trim() !== '') return path.resolve(workspace, configured.trim());
  return path.join(dir, 'hooks');
}

/** Our script with a line that runs the kept hook first (its refusal stops the commit). */
export function chainedScript(script: string): string {
  const lines = script.split('\n');
  // After the shebang and the marker, so the installer still recognises the hook.
  const chain = [CHAIN_MARKER, `previous="$(dirname "$0")/${PREVIOUS_HOOK}"`, 'if [ -x "$previous" ]; then "$previous" "$@" || exit $?; fi'];
  return [...lines.slice(0, 2), ...chain, ...lines.slice(2)].join('\n');
}

/** The command line the hook runs: this CLI, with the runtime that runs it now. */
export function cliCommand(script: string): string[] {
  // Inside an Electron-based editor the runtime is Electron: tell it to behave as Node.
  return process.versions.electron ? ['env', 'ELECTRON_RUN_AS_NODE=1', process.execPath, script] : [process.execPath, script];
}

export async function installGuardHook(workspace: string, options: { command: readonly string[]; force?: boolean }): Promise<HookInstallResult> {
  const dir = await hooksDir(workspace);
  fs.mkdirSync(dir, { recursive: true });
  const hook = path.join(dir, 'pre-commit');
  const previous = path.join(dir, PREVIOUS_HOOK);
  const script = preCommitHookScript({ command: options.command });
  let existing: string | null = null;
  try {
    existing = fs.readFileSync(hook, 'utf8');
  } catch {
    existing = null;
  }
  const write = (text: string): void => {
    fs.writeFileSync(hook, text, { mode: 0o755 });
    fs.chmodSync(hook, 0o755);
  };
  if (existing === null) {
    write(script);
    return { hook, action: 'created', previous: null };
  }
  if (existing.includes(GUARD_HOOK_MARKER)) {
    const chained = existing.includes(CHAIN_MARKER) && fs.existsSync(previous);
    write(chained ? chainedScript(script) : script);
    return { hook, action: 'updated', previous: chained ? previous : null };
  }
  if (!options.force) {
    throw new ApiaryError(
      'conflict',
      `${hook} already exists and is not Apiary's`,
      `Add this line to it yourself: git diff --cached --name-only --no-renames -z | ${options.command.map(shellQuote).join(' ')} lock guard --stdin --workspace "$(git rev-parse --show-toplevel)" — or rerun with --force to keep it as ${PREVIOUS_HOOK} and run it before the guard.`,
      { hook },
    );
  }
  if (fs.existsSync(previous)) {
    throw new ApiaryError('conflict', `${previous} exists already`, 'Merge or remove it by hand, then install again.', { previous });
  }
  fs.renameSync(hook, previous);
  fs.chmodSync(previous, 0o755);
  write(chainedScript(script));
  return { hook, action: 'chained', previous };
}
