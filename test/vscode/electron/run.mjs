#!/usr/bin/env node
// The same extension under @vscode/test-electron, for contributors with a desktop VS Code:
//   APIARY_VSCODE_PATH=/path/to/code npm test -- electron
// It never downloads VS Code (vscodeExecutablePath only); without APIARY_VSCODE_PATH it reports
// itself skipped. The suite (suite/*.ts) is bundled with esbuild and runs inside the extension host.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..', '..');
const executable = process.env.APIARY_VSCODE_PATH;

if (!executable) {
  console.log('electron suite skipped: set APIARY_VSCODE_PATH to a desktop VS Code executable to run it (nothing is downloaded).');
  if (process.env.APIARY_TEST_STATS) {
    writeFileSync(process.env.APIARY_TEST_STATS, JSON.stringify({ suites: 0, tests: 0, passes: 0, pending: 1, failures: 0 }));
  }
  process.exit(0);
}
if (!existsSync(executable)) {
  console.error(`APIARY_VSCODE_PATH=${executable} does not exist`);
  process.exit(1);
}

const { runTests } = await import('@vscode/test-electron');
const esbuild = await import('esbuild');

if (!existsSync(path.join(root, 'dist', 'extension.js')) || !existsSync(path.join(root, 'dist', 'cli.js'))) {
  const r = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(1);
}
const out = path.join(here, '..', '.cache', 'electron');
mkdirSync(out, { recursive: true });
await esbuild.build({
  entryPoints: [path.join(here, 'suite', 'index.ts')],
  outfile: path.join(out, 'suite.js'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'inline',
  // mocha is loaded from the checkout's node_modules at run time; vscode is the host's.
  external: ['vscode', 'mocha'],
  logLevel: 'warning',
});

const tmp = mkdtempSync(path.join(os.tmpdir(), 'apiary-electron-'));
const workspace = path.join(tmp, 'workspace');
cpSync(path.join(here, '..', 'fixture'), workspace, { recursive: true });
let code = 1;
try {
  code = await runTests({
    vscodeExecutablePath: executable,
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(out, 'suite.js'),
    launchArgs: [
      workspace,
      '--user-data-dir', path.join(tmp, 'user-data'),
      '--extensions-dir', path.join(tmp, 'extensions'),
      '--disable-extensions',
      '--disable-workspace-trust',
      '--skip-welcome',
      '--skip-release-notes',
    ],
    extensionTestsEnv: {
      APIARY_ELECTRON_WORKSPACE: workspace,
      APIARY_MOCHA_PATH: path.join(root, 'node_modules', 'mocha'),
      APIARY_REPORTER_PATH: path.join(root, 'test', 'support', 'reporter.cjs'),
      ...(process.env.APIARY_TEST_STATS ? { APIARY_TEST_STATS: process.env.APIARY_TEST_STATS } : {}),
    },
  });
} catch (err) {
  console.error(`electron suite failed: ${err instanceof Error ? err.message : String(err)}`);
  code = 1;
} finally {
  // The host outlives its windows by design: stop the one this run started.
  try {
    const { pid } = JSON.parse((await import('node:fs')).readFileSync(path.join(workspace, '.apiary', 'host.json'), 'utf8'));
    process.kill(pid, 'SIGTERM');
  } catch {
    // no host was started, or it is gone already
  }
  rmSync(tmp, { recursive: true, force: true });
}
process.exit(code);
