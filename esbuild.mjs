// One script builds every bundle: the extension (CommonJS, `vscode` external), the agent host +
// CLI (one bundle: `apiary`), the benchmarks (`apiary bench`, kept out of the .vsix), and the
// webview scripts. Assets the bundles load at run time
// (sql.js's wasm, codicons) are copied beside them.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, existsSync, chmodSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const dist = path.resolve('dist');

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'info',
  target: 'node20',
  legalComments: 'none',
};

const webviewEntries = existsSync('webview')
  ? readdirSync('webview', { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(path.join('webview', d.name, 'main.ts')))
      .map((d) => ({ in: path.join('webview', d.name, 'main.ts'), out: `webview/${d.name}` }))
  : [];

const builds = [
  {
    ...common,
    entryPoints: { extension: 'extension/extension.ts' },
    outdir: dist,
    platform: 'node',
    format: 'cjs',
    external: ['vscode'],
  },
  {
    ...common,
    // The host's replay workers run a bundle of their own: the read models without the rest.
    entryPoints: { cli: 'server/cli.ts', 'replay-worker': 'server/replayWorker.ts' },
    outdir: dist,
    platform: 'node',
    format: 'cjs',
    banner: { js: '#!/usr/bin/env node' },
    // Optional native speedups of dependencies that have pure-JS fallbacks.
    external: ['bufferutil', 'utf-8-validate'],
  },
  {
    // `apiary bench` (a source checkout only): the benchmarks under test/bench, with
    // better-sqlite3 (a native dev dependency, the store's reference) loaded from node_modules.
    ...common,
    entryPoints: { bench: 'test/bench/run.ts' },
    outdir: dist,
    platform: 'node',
    format: 'cjs',
    external: ['better-sqlite3', 'bufferutil', 'utf-8-validate'],
  },
];
if (webviewEntries.length) {
  builds.push({
    ...common,
    entryPoints: webviewEntries,
    outdir: dist,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  });
}

function copyAssets() {
  mkdirSync(dist, { recursive: true });
  copyFileSync(require.resolve('sql.js/dist/sql-wasm.wasm'), path.join(dist, 'sql-wasm.wasm'));
  const codicons = path.dirname(require.resolve('@vscode/codicons/dist/codicon.css'));
  mkdirSync(path.join(dist, 'codicons'), { recursive: true });
  for (const f of ['codicon.css', 'codicon.ttf']) copyFileSync(path.join(codicons, f), path.join(dist, 'codicons', f));
  if (existsSync(path.join(dist, 'cli.js'))) chmodSync(path.join(dist, 'cli.js'), 0o755);
}

if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  copyAssets();
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  copyAssets();
}
