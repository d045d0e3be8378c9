// Which command lines only read: one simple command (no pipes, redirections, substitutions or
// chains) whose program is a known reader. Conservative on purpose: anything unsure asks.
const READERS = new Set(['ls', 'cat', 'head', 'tail', 'wc', 'grep', 'rg', 'pwd', 'echo', 'stat', 'file', 'du', 'df', 'which', 'tree', 'diff']);
const GIT_READERS = new Set(['status', 'diff', 'log', 'show', 'blame', 'branch', 'rev-parse', 'ls-files']);

export function isReadOnlyCommand(line: string): boolean {
  if (/[;&|<>`$(){}\n\\]/.test(line)) return false;
  const words = line.trim().split(/\s+/);
  const [program, sub] = words;
  if (!program) return false;
  if (program === 'git') return sub !== undefined && GIT_READERS.has(sub) && !words.some((w) => w === '-D' || w === '-d' || w === '--delete' || w === '-m' || w === '--output');
  return READERS.has(program);
}
