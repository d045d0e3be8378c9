// The pre-commit hook script in a real git repository: it refuses commits over another agent's
// reservation, lets holders and unreserved changes through, honours (and has recorded) the
// bypass variable, and fails open when the CLI cannot be run.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Reservation } from '../../../shared/coordination';
import { GUARD_HOOK_MARKER, preCommitHookScript, shellQuote } from '../../../server/coordination/core/guardHook';
import { T0 } from './harness';

const fixture = path.join(__dirname, 'fixtures', 'guardCli.ts');

// The hook reads these; a developer's own settings must not leak into the specs.
const ambient = Object.fromEntries(Object.entries(process.env).filter(([k]) => !['APIARY_AGENT', 'APIARY_GUARD_BYPASS', 'APIARY_CLI'].includes(k)));

function git(cwd: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync('git', args, { cwd, env: { ...ambient, ...env }, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Repo {
  /** Holds the repository, the reservations file and the recorded events. */
  root: string;
  dir: string;
  events: string;
  hold(reservations: Reservation[]): void;
  commit(file: string, env?: Record<string, string>): { status: number | null; stderr: string };
  env(extra?: Record<string, string>): Record<string, string>;
}

function makeRepo(reservations: Reservation[]): Repo {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'apiary-guard-'));
  const dir = path.join(root, 'repo');
  const events = path.join(root, 'events.jsonl');
  const reservationsFile = path.join(root, 'reservations.json');
  fs.mkdirSync(dir);
  git(dir, ['init', '-q']);
  git(dir, ['config', 'user.name', 'Spec']);
  git(dir, ['config', 'user.email', 'spec@example.invalid']);
  git(dir, ['config', 'commit.gpgsign', 'false']);
  const command = [process.execPath, '--require', require.resolve('tsx/cjs'), fixture];
  fs.writeFileSync(path.join(dir, '.git', 'hooks', 'pre-commit'), preCommitHookScript({ command }), { mode: 0o755 });
  const repo: Repo = {
    root,
    dir,
    events,
    hold(list) {
      fs.writeFileSync(reservationsFile, JSON.stringify(list));
    },
    env(extra = {}) {
      return { GUARD_TEST_RESERVATIONS: reservationsFile, GUARD_TEST_EVENTS: events, GUARD_TEST_NOW: String(T0), ...extra };
    },
    commit(file, extra = {}) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.appendFileSync(path.join(dir, file), `change ${Date.now()}\n`);
      git(dir, ['add', '--', file]);
      const r = git(dir, ['commit', '-q', '-m', `edit ${file}`], repo.env(extra));
      return { status: r.status, stderr: r.stderr };
    },
  };
  repo.hold(reservations);
  return repo;
}

const held: Reservation = {
  id: 'r1',
  pattern: 'src/**',
  except: [],
  mode: 'exclusive',
  holder: 'BlueLake',
  reason: 'parser rewrite',
  cell: 'hv-4',
  createdAt: new Date(T0).toISOString(),
  expiresAt: new Date(T0 + 3_600_000).toISOString(),
  idempotencyKey: null,
};

const commits = (dir: string): number => Number(git(dir, ['rev-list', '--count', '--all']).stdout.trim() || 0);

describe('coordination: pre-commit guard hook', function () {
  this.timeout(60_000);
  const roots: string[] = [];
  after(() => {
    for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
  });
  const repo = (r: Reservation[] = [held]): Repo => {
    const made = makeRepo(r);
    roots.push(made.root);
    return made;
  };

  it('is a POSIX sh script that carries its marker', () => {
    const script = preCommitHookScript();
    assert.ok(script.startsWith('#!/bin/sh\n'));
    assert.ok(script.includes(GUARD_HOOK_MARKER));
    const check = spawnSync('sh', ['-n'], { input: script });
    assert.equal(check.status, 0, String(check.stderr));
  });

  it('quotes the CLI command for the shell', () => {
    assert.equal(shellQuote('apiary'), 'apiary');
    assert.equal(shellQuote("/opt/it's here/cli.js"), `'/opt/it'\\''s here/cli.js'`);
  });

  it('refuses a commit touching a file another agent holds, naming the holder', () => {
    const r = repo();
    const result = r.commit('src/parser.ts');
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /src\/parser\.ts: reserved by BlueLake \(src\/\*\*.*"parser rewrite", cell hv-4\)/);
    assert.match(result.stderr, /APIARY_GUARD_BYPASS=1/);
    assert.equal(commits(r.dir), 0);
  });

  it('lets unreserved changes and the holder’s own commits through', () => {
    const r = repo();
    assert.equal(r.commit('README.md').status, 0);
    assert.equal(r.commit('src/parser.ts', { APIARY_AGENT: 'BlueLake' }).status, 0);
    assert.equal(commits(r.dir), 2);
  });

  it('counts moving a reserved file away as touching it', () => {
    const r = repo([]);
    assert.equal(r.commit('src/old.ts').status, 0);
    r.hold([held]);
    fs.mkdirSync(path.join(r.dir, 'lib'));
    git(r.dir, ['mv', 'src/old.ts', 'lib/new.ts']);
    const result = git(r.dir, ['commit', '-q', '-m', 'move'], r.env());
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /src\/old\.ts: reserved by BlueLake/);
  });

  it('commits with APIARY_GUARD_BYPASS=1 and has the bypass recorded', () => {
    const r = repo();
    const result = r.commit('src/parser.ts', { APIARY_GUARD_BYPASS: '1' });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(commits(r.dir), 1);
    const recorded = fs.readFileSync(r.events, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; data: { agent: string; paths: string[] } });
    assert.deepEqual(
      recorded.map((e) => [e.type, e.data.agent, e.data.paths]),
      [['lock.guard_bypassed', 'you', ['src/parser.ts']]],
    );
  });

  it('lets the commit through with a warning when the CLI cannot run', () => {
    const r = repo();
    const result = r.commit('src/parser.ts', { APIARY_CLI: path.join(r.dir, 'no-such-apiary') });
    assert.equal(result.status, 0);
    assert.match(result.stderr, /could not check file reservations/);
  });
});
