#!/usr/bin/env node
// `npm test`: typecheck, build, then every suite (unit, host, the real-VS-Code suite, and the
// @vscode/test-electron suite where a desktop VS Code is available), each writing mocha stats to a
// temp file; the counts are added up into one closing line:
//   Tests: 123 passed, 0 failed, 2 skipped
//
//   npm test                     everything
//   npm test -- unit host        only these suites (names: typecheck build unit host vscode electron)
//   APIARY_SKIP_VSCODE=1 npm test   everything but the code-server suite
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const mochaBin = path.join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');
const tscBin = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const statsDir = mkdtempSync(path.join(os.tmpdir(), 'apiary-test-stats-'));

const ALL = ['typecheck', 'build', 'unit', 'host', 'vscode', 'electron'];
const NEEDS_BUILD = new Set(['host', 'vscode', 'electron']);
const asked = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = asked.filter((a) => !ALL.includes(a));
if (unknown.length) {
  console.error(`unknown suite ${unknown.join(', ')}; choose from: ${ALL.join(' ')}`);
  process.exit(2);
}
const selected = new Set(asked.length ? asked : ALL);
if ([...selected].some((s) => NEEDS_BUILD.has(s))) selected.add('build');

/** @type {Array<{ name: string, step?: boolean, passed: number, failed: number, skipped: number, seconds: number, note?: string }>} */
const results = [];

function hasTests(dir, suffix) {
  if (!existsSync(dir)) return false;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory() && (e.name === 'node_modules' || e.name.startsWith('.'))) continue;
    if (e.isDirectory() ? hasTests(path.join(dir, e.name), suffix) : e.name.endsWith(suffix)) return true;
  }
  return false;
}

function banner(name) {
  console.log(`\n━━ ${name} ${'━'.repeat(Math.max(0, 70 - name.length))}`);
}

/** A step that is not a test suite (typecheck, build): one pass or one failure. */
function step(name, cmd, args) {
  banner(name);
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  const ok = r.status === 0;
  // A check, not a test: it adds nothing to "passed", but a failure counts.
  results.push({ name, step: true, passed: 0, failed: ok ? 0 : 1, skipped: 0, seconds: (Date.now() - t0) / 1000, note: ok ? undefined : `exit ${r.status ?? r.signal}` });
  return ok;
}

/** How long a suite may take to exit once it has reported its results. */
const EXIT_GRACE_MS = 20_000;

/**
 * Runs a suite and waits for it. A suite that reported its results but does not exit (a leaked
 * handle keeps mocha alive) is stopped after a grace period and counted as a failure, so a leak
 * fails the run instead of hanging it.
 */
function runSuiteProcess(cmd, args, env, statsFile) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', env });
    let reportedAt = 0;
    let hung = false;
    const timer = setInterval(() => {
      if (!reportedAt && existsSync(statsFile)) reportedAt = Date.now();
      if (reportedAt && Date.now() - reportedAt > EXIT_GRACE_MS && !hung) {
        hung = true;
        console.log(`\n${path.basename(statsFile, '.json')}: still running ${EXIT_GRACE_MS / 1000} s after reporting its results (a leaked handle?); stopping it`);
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
      }
    }, 500);
    child.on('exit', (code, signal) => {
      clearInterval(timer);
      resolve({ status: code, signal, hung });
    });
  });
}

/** A suite that writes mocha stats to $APIARY_TEST_STATS. */
async function suite(name, cmd, args, env = {}) {
  banner(name);
  const statsFile = path.join(statsDir, `${name}.json`);
  const t0 = Date.now();
  const r = await runSuiteProcess(cmd, args, { ...process.env, ...env, APIARY_TEST_STATS: statsFile }, statsFile);
  const seconds = (Date.now() - t0) / 1000;
  let stats;
  try {
    stats = JSON.parse(readFileSync(statsFile, 'utf8'));
  } catch {
    stats = undefined;
  }
  if (!stats) {
    // The suite died before its runner reported (a crash, a failed setup): count it as one failure.
    results.push({ name, passed: 0, failed: 1, skipped: 0, seconds, note: `no results (exit ${r.status ?? r.signal})` });
    return;
  }
  const failed = stats.failures ?? 0;
  const crashed = r.hung || (r.status !== 0 && failed === 0);
  results.push({
    name,
    passed: stats.passes ?? 0,
    failed: failed + (crashed ? 1 : 0),
    skipped: stats.pending ?? 0,
    seconds,
    note: r.hung ? 'did not exit after its tests' : crashed ? `exit ${r.status ?? r.signal} after its tests` : undefined,
  });
}

async function mochaSuite(name, folder) {
  if (!hasTests(path.join(root, 'test', folder), '.test.ts')) {
    banner(name);
    console.log(`no ${folder} tests yet`);
    results.push({ name, passed: 0, failed: 0, skipped: 0, seconds: 0, note: 'no tests' });
    return;
  }
  await suite(name, process.execPath, [mochaBin, '--config', path.join('test', '.mocharc.json'), `test/${folder}/**/*.test.ts`]);
}

const started = Date.now();
// A fresh clone: install the locked dependencies first, so `npm test` is all a newcomer runs.
if (!existsSync(mochaBin) || !existsSync(tscBin)) {
  banner('install');
  const r = spawnSync('npm', [existsSync(path.join(root, 'package-lock.json')) ? 'ci' : 'install', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.log('Tests: 0 passed, 1 failed, 0 skipped');
    process.exit(1);
  }
}
let built = true;
if (selected.has('typecheck')) step('typecheck', process.execPath, [tscBin, '-p', '.', '--noEmit']);
if (selected.has('build')) built = step('build', 'npm', ['run', '--silent', 'build']);
if (selected.has('unit')) await mochaSuite('unit', 'unit');
if (selected.has('host')) {
  if (built) await mochaSuite('host', 'host');
  else results.push({ name: 'host', passed: 0, failed: 1, skipped: 0, seconds: 0, note: 'not run: the build failed' });
}
if (selected.has('vscode')) {
  if (process.env.APIARY_SKIP_VSCODE === '1') {
    banner('vscode');
    console.log('skipped: APIARY_SKIP_VSCODE=1');
    results.push({ name: 'vscode', passed: 0, failed: 0, skipped: 1, seconds: 0, note: 'APIARY_SKIP_VSCODE=1' });
  } else if (!built) {
    results.push({ name: 'vscode', passed: 0, failed: 1, skipped: 0, seconds: 0, note: 'not run: the build failed' });
  } else {
    await suite('vscode', process.execPath, [path.join('test', 'vscode', 'run.mjs')]);
  }
}
if (selected.has('electron')) await suite('electron', process.execPath, [path.join('test', 'vscode', 'electron', 'run.mjs')]);
rmSync(statsDir, { recursive: true, force: true });

const total = results.reduce((a, r) => ({ passed: a.passed + r.passed, failed: a.failed + r.failed, skipped: a.skipped + r.skipped }), { passed: 0, failed: 0, skipped: 0 });
banner('summary');
for (const r of results) {
  const counts = r.step ? (r.failed ? 'failed' : 'ok') : `${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped`;
  console.log(`${r.failed ? '✗' : '✓'} ${r.name.padEnd(10)} ${counts.padEnd(36)} ${r.seconds.toFixed(1).padStart(6)} s${r.note ? `  (${r.note})` : ''}`);
}
console.log(`total ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`Tests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(total.failed ? 1 : 0);
