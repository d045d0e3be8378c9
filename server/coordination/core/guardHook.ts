// The git pre-commit hook that asks the host whether staged paths are reserved by another agent.
// The hook only collects the staged paths and calls the CLI; the decision (and recording a
// bypass as an event) happens in the host, through `apiary lock guard`.
//
// CLI contract the hook relies on:
//   apiary lock guard --stdin --workspace DIR [--agent NAME] [--bypass]
//   reads NUL-separated workspace-relative paths on stdin; exit 0 allowed (or bypassed, which
//   the host records as lock.guard_bypassed), 1 refused (holders printed on stderr), anything
//   else means the guard could not run.

export const GUARD_BYPASS_ENV = 'APIARY_GUARD_BYPASS';
/** Set by swarm workers and agent shells: who is committing. Absent means the human. */
export const GUARD_AGENT_ENV = 'APIARY_AGENT';
/** Overrides the CLI command line (word-split), e.g. for a development checkout. */
export const GUARD_CLI_ENV = 'APIARY_CLI';
/** First comment line of the hook, so an installer can recognise (and update) its own hook. */
export const GUARD_HOOK_MARKER = '# apiary-guard v1';

/** Quotes one word for POSIX sh. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export interface HookOptions {
  /** argv of the CLI, e.g. ['apiary'] or [process.execPath, '<extension>/dist/cli.js']. */
  command?: readonly string[];
}

/**
 * The hook script. If the host cannot be asked at all (CLI missing, host failing to start),
 * it warns and lets the commit through: a broken tool must not lock people out of git.
 */
export function preCommitHookScript(options: HookOptions = {}): string {
  const command = (options.command ?? ['apiary']).map(shellQuote).join(' ');
  return `#!/bin/sh
${GUARD_HOOK_MARKER}
# Refuses a commit that touches files another agent has reserved exclusively (Apiary).
# To commit anyway, once:  ${GUARD_BYPASS_ENV}=1 git commit ...   (the bypass is recorded)

root=$(git rev-parse --show-toplevel) || exit 1
set -- lock guard --stdin --workspace "$root"
if [ -n "\${${GUARD_AGENT_ENV}:-}" ]; then
  set -- "$@" --agent "$${GUARD_AGENT_ENV}"
fi
if [ "\${${GUARD_BYPASS_ENV}:-}" = "1" ]; then
  set -- "$@" --bypass
fi

# --no-renames lists both sides of a rename: moving a reserved file away touches it too.
if [ -n "\${${GUARD_CLI_ENV}:-}" ]; then
  git diff --cached --name-only --no-renames -z | $${GUARD_CLI_ENV} "$@"
else
  git diff --cached --name-only --no-renames -z | ${command} "$@"
fi
status=$?

case $status in
  0) exit 0 ;;
  1)
    echo "apiary: commit refused: staged files are reserved by another agent (see above)." >&2
    echo "apiary: ask the holder to release them, or commit anyway with ${GUARD_BYPASS_ENV}=1 (recorded)." >&2
    exit 1 ;;
  *)
    echo "apiary: could not check file reservations (exit $status); committing without the guard." >&2
    exit 0 ;;
esac
`;
}
