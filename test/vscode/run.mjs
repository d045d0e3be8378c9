#!/usr/bin/env node
// The real-VS-Code suite: package the extension, start ONE code-server with the .vsix installed on
// a fresh copy of test/vscode/fixture, run test/vscode/specs/*.spec.ts (mocha + playwright-core in
// Debian's Chromium), and tear everything down — code-server and every process it started for
// the workspace (the relay and the agent host) — even when a spec fails or the run is interrupted.
//
//   npm run test:vscode [-- --grep PATTERN] [--keep] [--no-package]
//   --keep leaves the temp folders; --no-package reuses an existing apiary.vsix (quick re-runs).
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { codeServerEntry, ensureInstalled } from './install.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
// APIARY_VSCODE_ARTIFACTS moves screenshots and logs elsewhere (e.g. for parallel checkouts' runs).
const artifacts = path.resolve(process.env.APIARY_VSCODE_ARTIFACTS ?? path.join(root, 'test', 'artifacts', 'vscode'));
const vsix = path.join(root, 'apiary.vsix');
const argv = process.argv.slice(2);
const keep = argv.includes('--keep') || process.env.APIARY_KEEP_VSCODE === '1';
const repackage = !(argv.includes('--no-package') && existsSync(vsix));
const grepAt = argv.indexOf('--grep');
const grep = grepAt >= 0 ? argv[grepAt + 1] : undefined;

const log = (msg) => console.log(`[vscode] ${msg}`);
const started = Date.now();

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url, child, timeoutMs) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode} before it listened`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`code-server did not answer ${url} within ${timeoutMs / 1000} s`);
}

/** Pids whose command line or working directory lies in `dir` (the relay and host of the workspace). */
function processesUsing(dir) {
  const pids = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      let cwd = '';
      try {
        cwd = readlinkSync(`/proc/${pid}/cwd`);
      } catch {
        // process gone or not ours to read
      }
      if (cmdline.includes(dir) || cwd === dir || cwd.startsWith(dir + path.sep)) pids.push(pid);
    } catch {
      // process ended while we looked
    }
  }
  return pids;
}

function kill(pid, signal) {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

async function teardown(state) {
  if (state.down) return;
  state.down = true;
  if (state.codeServer && state.codeServer.exitCode === null) {
    kill(-state.codeServer.pid, 'SIGTERM');
  }
  // The host outlives its clients by design, so it is not in code-server's process group.
  const stray = state.tmp ? processesUsing(state.tmp) : [];
  for (const pid of stray) kill(pid, 'SIGTERM');
  await new Promise((r) => setTimeout(r, 1000));
  if (state.codeServer && state.codeServer.exitCode === null) kill(-state.codeServer.pid, 'SIGKILL');
  for (const pid of state.tmp ? processesUsing(state.tmp) : []) kill(pid, 'SIGKILL');
  if (state.tmp && !keep) rmSync(state.tmp, { recursive: true, force: true });
  if (keep && state.tmp) log(`kept ${state.tmp}`);
}

async function main(state) {
  ensureInstalled();

  if (repackage) {
    log('packaging the extension');
    run('npm', ['run', '--silent', 'package']);
  }
  log(`apiary.vsix: ${(statSync(vsix).size / 1024).toFixed(1)} KiB`);

  rmSync(artifacts, { recursive: true, force: true });
  mkdirSync(artifacts, { recursive: true });
  state.tmp = mkdtempSync(path.join(os.tmpdir(), 'apiary-vscode-'));
  const userData = path.join(state.tmp, 'user-data');
  const extensions = path.join(state.tmp, 'extensions');
  const workspace = path.join(state.tmp, 'workspace');
  cpSync(path.join(here, 'fixture'), workspace, { recursive: true });
  mkdirSync(path.join(userData, 'User'), { recursive: true });
  writeFileSync(
    path.join(userData, 'User', 'settings.json'),
    JSON.stringify(
      {
        'security.workspace.trust.enabled': false,
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'workbench.enableExperiments': false,
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'extensions.ignoreRecommendations': true,
        'chat.disableAIFeatures': true,
        'apiary.host.logLevel': 'debug',
      },
      null,
      2,
    ),
  );

  // Every path code-server writes to lives in the temp folder (it would otherwise create
  // ~/.config/code-server/config.yaml).
  const csArgs = ['--user-data-dir', userData, '--extensions-dir', extensions, '--config', path.join(state.tmp, 'code-server.yaml')];
  const csEnv = { ...process.env, XDG_CONFIG_HOME: path.join(state.tmp, 'xdg-config'), XDG_DATA_HOME: path.join(state.tmp, 'xdg-data') };
  log('installing apiary.vsix into code-server');
  run(process.execPath, [codeServerEntry, ...csArgs, '--install-extension', vsix], { stdio: ['ignore', 'inherit', 'inherit'], env: csEnv });

  const port = await freePort();
  const csLog = path.join(artifacts, 'code-server.log');
  const out = createWriteStream(csLog);
  state.codeServer = spawn(
    process.execPath,
    [codeServerEntry, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', ...csArgs, workspace],
    { cwd: state.tmp, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: csEnv },
  );
  state.codeServer.stdout.pipe(out);
  state.codeServer.stderr.pipe(out);
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(`${base}/healthz`, state.codeServer, 60_000);
  log(`code-server ${base} on ${workspace} (ready after ${((Date.now() - started) / 1000).toFixed(1)} s)`);

  // Each spec file gets a fresh copy of the fixture as its own workspace (its own agent host and
  // window state) in the one code-server: what one file leaves behind (cells, reservations, view
  // layout, toasts) cannot break the next.
  const specDir = path.join(here, 'specs');
  const specs = readdirSync(specDir).filter((f) => f.endsWith('.spec.ts')).sort();
  const parentStats = process.env.APIARY_TEST_STATS;
  const total = { suites: 0, tests: 0, passes: 0, pending: 0, failures: 0 };
  let code = 0;
  for (const spec of specs) {
    if (state.down) break;
    const name = spec.replace(/\.spec\.ts$/, '');
    const specWorkspace = path.join(state.tmp, `workspace-${name}`);
    cpSync(path.join(here, 'fixture'), specWorkspace, { recursive: true });
    const statsFile = path.join(state.tmp, `stats-${name}.json`);
    const mochaArgs = [
      path.join(root, 'node_modules', 'mocha', 'bin', 'mocha.js'),
      '--config', path.join(root, 'test', '.mocharc.json'),
      '--timeout', '120000',
      '--file', path.join(here, 'support', 'session.ts'),
      ...(grep ? ['--grep', grep] : []),
      path.join(specDir, spec),
    ];
    const env = {
      ...process.env,
      APIARY_VSCODE_URL: `${base}/?folder=${encodeURIComponent(specWorkspace)}`,
      APIARY_VSCODE_WORKSPACE: specWorkspace,
      APIARY_VSCODE_ARTIFACTS: artifacts,
      APIARY_TEST_STATS: statsFile,
    };
    log(`${spec} in its own workspace`);
    const mocha = spawn(process.execPath, mochaArgs, { cwd: root, stdio: 'inherit', env });
    state.mocha = mocha;
    const exit = await new Promise((resolve) => mocha.on('exit', (c, s) => resolve(c ?? (s ? 1 : 0))));
    if (exit !== 0) code = 1;
    if (existsSync(statsFile)) {
      const st = JSON.parse(readFileSync(statsFile, 'utf8'));
      for (const k of Object.keys(total)) total[k] += Number(st[k] ?? 0);
    } else {
      // A run that died before reporting counts as a failure.
      total.failures += 1;
    }
  }
  if (parentStats) writeFileSync(parentStats, JSON.stringify(total));
  log(`${total.passes} passed, ${total.failures} failed, ${total.pending} skipped across ${specs.length} spec files`);
  return code;
}

const state = { down: false };
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    state.mocha?.kill(sig);
    void teardown(state).finally(() => process.exit(130));
  });
}
let code = 1;
try {
  code = await main(state);
} catch (err) {
  console.error(`[vscode] ${err instanceof Error ? err.message : String(err)}`);
  code = 1;
} finally {
  await teardown(state);
  log(`suite took ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in ${path.relative(root, artifacts)}`);
}
process.exit(code);
