// The commit guard end to end in a real git repository: `apiary lock install-hook` writes the
// pre-commit hook, the hook asks the running host through the built CLI, and a commit touching
// a file another agent holds exclusively is refused naming the holder. The bypass variable
// lets it through and is recorded as lock.guard_bypassed; a foreign hook is kept, not lost.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { GUARD_HOOK_MARKER } from '../../../server/coordination/core/guardHook';
import { PREVIOUS_HOOK } from '../../../server/coordination/hookInstall';
import { cleanUp, cliPath, ensureCliBuilt, jsonOf, runCli, tempWorkspace } from '../../support/host';
import { type CoordHost, startCoordHost } from './helpers';

// The hook reads these; the developer's own settings must not leak into the spec.
const ambient = Object.fromEntries(Object.entries(process.env).filter(([k]) => !['APIARY_AGENT', 'APIARY_GUARD_BYPASS', 'APIARY_CLI'].includes(k)));

function git(cwd: string, args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('git', args, { cwd, env: { ...ambient, ...env }, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Runs a child to completion without blocking this process: the host the hook talks to lives
 * in this process, so a synchronous spawn would deadlock.
 */
function run(cmd: string, args: string[], opts: { cwd?: string; env?: Record<string, string>; input?: string } = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: { ...ambient, ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}

const commit = (dir: string, message: string, env: Record<string, string> = {}) => run('git', ['commit', '-q', '-m', message], { cwd: dir, env });

function initRepo(): string {
  const dir = tempWorkspace();
  git(dir, ['init', '-q']);
  git(dir, ['config', 'user.name', 'Spec']);
  git(dir, ['config', 'user.email', 'spec@example.invalid']);
  git(dir, ['config', 'commit.gpgsign', 'false']);
  fs.writeFileSync(path.join(dir, 'README.md'), 'hello\n');
  git(dir, ['add', 'README.md']);
  git(dir, ['commit', '-q', '--no-verify', '-m', 'start']);
  return dir;
}

function edit(dir: string, file: string): void {
  fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  fs.appendFileSync(path.join(dir, file), `change ${Date.now()}\n`);
  git(dir, ['add', '--', file]);
}

describe('the pre-commit guard in a real repository', function () {
  this.timeout(60_000);
  let repo: string;
  let h: CoordHost;

  before(ensureCliBuilt);
  beforeEach(async () => {
    repo = initRepo();
    h = await startCoordHost({ workspace: repo });
  });
  afterEach(async () => {
    await h.stop();
    await cleanUp();
  });

  it('refuses a commit touching a file another agent reserved, naming the holder; lets other commits and the holder through', async () => {
    const installed = await runCli(['lock', 'install-hook', '--workspace', repo, '--json']);
    assert.equal(installed.code, 0, installed.stderr);
    assert.equal(jsonOf<{ action: string }>(installed).action, 'created');
    const hook = fs.readFileSync(path.join(repo, '.git', 'hooks', 'pre-commit'), 'utf8');
    assert.ok(hook.includes(GUARD_HOOK_MARKER));
    assert.ok(hook.includes(cliPath), 'the hook runs this CLI');
    assert.ok((fs.statSync(path.join(repo, '.git', 'hooks', 'pre-commit')).mode & 0o111) !== 0, 'the hook is executable');

    const reserved = await runCli(['lock', 'reserve', 'src/auth/**', '--agent', 'BlueLake', '--reason', 'auth rewrite', '--workspace', repo, '--json']);
    assert.equal(reserved.code, 0, reserved.stderr);

    edit(repo, 'src/auth/login.ts');
    const refused = await commit(repo, 'touch login');
    assert.equal(refused.status, 1, `the commit should be refused:\n${refused.stderr}`);
    assert.match(refused.stderr, /src\/auth\/login\.ts: reserved by BlueLake \(src\/auth\/\*\*, until [^)]*"auth rewrite"\)/);
    assert.match(refused.stderr, /APIARY_GUARD_BYPASS=1/);
    assert.equal(git(repo, ['rev-list', '--count', 'HEAD']).stdout.trim(), '1', 'nothing was committed');

    git(repo, ['reset', '-q']);
    edit(repo, 'docs/notes.md');
    const other = await commit(repo, 'notes');
    assert.equal(other.status, 0, other.stderr);

    edit(repo, 'src/auth/login.ts');
    const holder = await commit(repo, 'holder commits', { APIARY_AGENT: 'BlueLake' });
    assert.equal(holder.status, 0, `the holder may commit its own files:\n${holder.stderr}`);
    assert.equal(h.events('lock.guard_bypassed').length, 0);
  });

  it('lets a commit through with APIARY_GUARD_BYPASS=1 and records the bypass with the files and holders', async () => {
    assert.equal((await runCli(['lock', 'install-hook', '--workspace', repo])).code, 0);
    assert.equal((await runCli(['lock', 'reserve', 'src/a.ts', '--agent', 'BlueLake', '--workspace', repo])).code, 0);
    edit(repo, 'src/a.ts');
    const r = await commit(repo, 'hotfix', { APIARY_GUARD_BYPASS: '1' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /bypassed for src\/a\.ts \(recorded\)/);
    const bypasses = h.events('lock.guard_bypassed');
    assert.equal(bypasses.length, 1);
    const data = bypasses[0]!.data as { agent: string; paths: string[]; conflicts: Array<{ holder: string }> };
    assert.equal(data.agent, 'you');
    assert.deepEqual(data.paths, ['src/a.ts']);
    assert.deepEqual(data.conflicts.map((c) => c.holder), ['BlueLake']);
  });

  it('answers `lock guard --stdin` directly: exit 1 naming the holder, 0 for free paths', async () => {
    assert.equal((await runCli(['lock', 'reserve', 'src/*.ts', '--agent', 'BlueLake', '--workspace', repo])).code, 0);
    const blocked = await run(process.execPath, [cliPath, 'lock', 'guard', '--stdin', '--workspace', repo], { input: 'src/x.ts\0README.md\0' });
    assert.equal(blocked.status, 1);
    assert.match(blocked.stderr, /src\/x\.ts: reserved by BlueLake/);
    assert.doesNotMatch(blocked.stderr, /README/);
    const free = await run(process.execPath, [cliPath, 'lock', 'guard', '--stdin', '--workspace', repo], { input: 'README.md\0lib/y.ts\0' });
    assert.equal(free.status, 0, free.stderr);
  });

  it('keeps a foreign hook: refuses to overwrite it without --force, and with --force runs it before the guard', async () => {
    const hooks = path.join(repo, '.git', 'hooks');
    fs.writeFileSync(path.join(hooks, 'pre-commit'), '#!/bin/sh\necho "team lint ran" >&2\n[ -z "$FAIL_LINT" ] || exit 3\n', { mode: 0o755 });
    const refused = await runCli(['lock', 'install-hook', '--workspace', repo, '--json']);
    assert.equal(refused.code, 1);
    const err = jsonOf<{ error: { code: string; message: string; hint: string } }>(refused).error;
    assert.equal(err.code, 'conflict');
    assert.match(err.message, /not Apiary's/);
    assert.match(err.hint, /--force/);
    assert.match(fs.readFileSync(path.join(hooks, 'pre-commit'), 'utf8'), /team lint/, 'left untouched');

    const forced = await runCli(['lock', 'install-hook', '--force', '--workspace', repo, '--json']);
    assert.equal(forced.code, 0, forced.stdout);
    assert.equal(jsonOf<{ action: string }>(forced).action, 'chained');
    assert.match(fs.readFileSync(path.join(hooks, PREVIOUS_HOOK), 'utf8'), /team lint/);

    edit(repo, 'src/free.ts');
    const ok = await commit(repo, 'free');
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stderr, /team lint ran/);
    edit(repo, 'src/free.ts');
    const lintFails = await commit(repo, 'lint fails', { FAIL_LINT: '1' });
    assert.notEqual(lintFails.status, 0, 'the kept hook still stops a commit');
    assert.match(lintFails.stderr, /team lint ran/);
    assert.equal(git(repo, ['rev-list', '--count', 'HEAD']).stdout.trim(), '2', 'only the first commit went in');

    // Reinstalling updates our hook and keeps the chain.
    const again = await runCli(['lock', 'install-hook', '--workspace', repo, '--json']);
    assert.deepEqual([again.code, jsonOf<{ action: string }>(again).action], [0, 'updated']);
    assert.match(fs.readFileSync(path.join(hooks, 'pre-commit'), 'utf8'), new RegExp(PREVIOUS_HOOK.replace(/\./g, '\\.')));
  });
});
