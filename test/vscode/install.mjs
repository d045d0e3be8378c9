#!/usr/bin/env node
// Installs what the real-VS-Code suite needs, once: Debian packages (a browser, ripgrep, the
// Kerberos headers a native module builds against) and code-server from the npm registry into
// test/vscode/.cache/. Safe to run again: every step is skipped when its result is already there.
//
// Offline constraints shape it: the only reachable registries are npm and Debian apt, so
// @vscode/ripgrep (whose install downloads a binary from GitHub) gets a pre-seeded download cache
// holding Debian's rg.
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
const here = path.dirname(fileURLToPath(import.meta.url));
export const cacheDir = path.join(here, '.cache');
export const codeServerPrefix = path.join(cacheDir, 'code-server');
export const codeServerEntry = path.join(codeServerPrefix, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const chromiumPath = '/usr/bin/chromium';
const marker = path.join(codeServerPrefix, 'installed.json');
const DEBIAN_PACKAGES = ['libkrb5-dev', 'ripgrep', 'chromium'];

function log(msg) {
  console.log(`[vscode-install] ${msg}`);
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
}

function isInstalled(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

function ensureDebianPackages() {
  const missing = DEBIAN_PACKAGES.filter((p) => !isInstalled(p));
  if (!missing.length) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`missing Debian packages: ${missing.join(' ')} — install them with: sudo apt-get install -y ${missing.join(' ')}`);
  }
  log(`apt-get install ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-q'], { env });
  run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], { env });
}

export function isCodeServerInstalled() {
  if (!existsSync(marker) || !existsSync(codeServerEntry)) return false;
  try {
    return JSON.parse(readFileSync(marker, 'utf8')).version === CODE_SERVER_VERSION;
  } catch {
    return false;
  }
}

/** `npm pack` a package into dir and return the tarball's path. */
function npmPack(spec, dir) {
  const out = execFileSync('npm', ['pack', spec, '--json', '--pack-destination', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const [info] = JSON.parse(out);
  return path.join(dir, info.filename);
}

function readFromTarball(tgz, member) {
  return execFileSync('tar', ['-xzOf', tgz, member], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

/** Put Debian's rg where @vscode/ripgrep's postinstall looks for a cached download. */
function seedRipgrepCache(codeServerTgz, work) {
  const shrinkwrap = JSON.parse(readFromTarball(codeServerTgz, 'package/lib/vscode/npm-shrinkwrap.json'));
  const rgVersion = shrinkwrap.packages?.['node_modules/@vscode/ripgrep']?.version;
  if (!rgVersion) throw new Error('could not find @vscode/ripgrep in code-server lib/vscode/npm-shrinkwrap.json');
  const rgTgz = npmPack(`@vscode/ripgrep@${rgVersion}`, work);
  const postinstall = readFromTarball(rgTgz, 'package/lib/postinstall.js');
  const binVersion = /const VERSION = '([^']+)'/.exec(postinstall)?.[1];
  if (!binVersion) throw new Error(`could not read VERSION from @vscode/ripgrep@${rgVersion} lib/postinstall.js`);
  const target = os.arch() === 'arm64' ? 'aarch64-unknown-linux-musl' : 'x86_64-unknown-linux-musl';
  const dir = path.join(os.tmpdir(), `vscode-ripgrep-cache-${rgVersion}`);
  const archive = path.join(dir, `ripgrep-${binVersion}-${target}.tar.gz`);
  if (existsSync(archive)) return;
  const rg = execFileSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' }).trim();
  const stage = mkdtempSync(path.join(work, 'rg-'));
  copyFileSync(rg, path.join(stage, 'rg'));
  mkdirSync(dir, { recursive: true });
  run('tar', ['-czf', archive, '-C', stage, 'rg']);
  log(`seeded ${archive} with ${rg} (@vscode/ripgrep ${rgVersion}, ${binVersion})`);
}

function installCodeServer() {
  const work = mkdtempSync(path.join(os.tmpdir(), 'apiary-cs-'));
  try {
    log(`fetching code-server ${CODE_SERVER_VERSION} from the npm registry`);
    const tgz = npmPack(`code-server@${CODE_SERVER_VERSION}`, work);
    seedRipgrepCache(tgz, work);
    rmSync(codeServerPrefix, { recursive: true, force: true });
    mkdirSync(codeServerPrefix, { recursive: true });
    writeFileSync(path.join(codeServerPrefix, 'package.json'), JSON.stringify({ name: 'apiary-code-server', private: true }) + '\n');
    log('npm install code-server (builds native modules; takes several minutes)');
    const started = Date.now();
    run('npm', ['install', '--no-audit', '--no-fund', '--no-save', '--prefix', codeServerPrefix, tgz], {
      cwd: codeServerPrefix,
      env: { ...process.env, npm_config_unsafe_perm: 'true', npm_config_yes: 'true' },
    });
    if (!existsSync(codeServerEntry)) throw new Error(`code-server installed but ${codeServerEntry} is missing`);
    writeFileSync(marker, JSON.stringify({ version: CODE_SERVER_VERSION, installedAt: new Date().toISOString() }) + '\n');
    log(`code-server ${CODE_SERVER_VERSION} installed in ${Math.round((Date.now() - started) / 1000)} s`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/** One installer at a time per checkout (two test runs starting together would clobber each other). */
function withInstallLock(fn) {
  mkdirSync(cacheDir, { recursive: true });
  const lock = path.join(cacheDir, 'install.lock');
  const deadline = Date.now() + 20 * 60_000;
  let waitingFor = 0;
  for (;;) {
    try {
      const fd = openSync(lock, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      const holder = Number(readFileSync(lock, 'utf8').trim());
      if (!holder || !isAlive(holder)) {
        rmSync(lock, { force: true }); // left by an installer that died
        continue;
      }
      if (Date.now() > deadline) throw new Error(`another install (pid ${holder}) holds ${lock}`);
      if (waitingFor !== holder) log(`waiting for the install running in pid ${holder}`);
      waitingFor = holder;
      spawnSync('sleep', ['5']);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { force: true });
  }
}

export function ensureInstalled() {
  if (isCodeServerInstalled() && DEBIAN_PACKAGES.every(isInstalled)) return;
  withInstallLock(() => {
    ensureDebianPackages();
    if (!isCodeServerInstalled()) installCodeServer();
  });
}

// Leftover temporary folders of an interrupted run are harmless; the cache itself is all-or-nothing
// (the marker is written last).
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    ensureInstalled();
    log(isCodeServerInstalled() ? `ready: ${codeServerEntry}` : 'not installed');
  } catch (err) {
    console.error(`[vscode-install] ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
