// Root hooks for the VS Code specs (loaded with mocha --file): one Chromium, one page on the
// code-server that test/vscode/run.mjs started, shared by every spec. A failing test leaves a
// screenshot named after it.
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { Workbench } from './workbench';

export interface Rig {
  workbench: Workbench;
  /** The workspace folder code-server opened (a fresh copy of test/vscode/fixture). */
  workspace: string;
  artifacts: string;
}

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the VS Code specs with "npm run test:vscode"`);
  return value;
}

const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let browser: Browser | undefined;
let rig: Rig | undefined;

/** The shared rig; valid inside tests and hooks. */
export function vscodeRig(): Rig {
  if (!rig) throw new Error('the VS Code rig is not up (did the root before hook fail?)');
  return rig;
}

before(async function () {
  this.timeout(180_000);
  const url = env('APIARY_VSCODE_URL');
  const workspace = env('APIARY_VSCODE_WORKSPACE');
  const artifacts = env('APIARY_VSCODE_ARTIFACTS');
  mkdirSync(artifacts, { recursive: true });
  const consoleLog = path.join(artifacts, 'browser-console.log');
  browser = await chromium.launch({
    executablePath: process.env.APIARY_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_FLAGS,
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(url).origin });
  const page = await context.newPage();
  page.on('console', (msg) => appendFileSync(consoleLog, `[${msg.type()}] ${msg.text()}\n`));
  page.on('pageerror', (err) => appendFileSync(consoleLog, `[pageerror] ${err.message}\n`));
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
  const workbench = new Workbench(page, artifacts);
  await workbench.ready();
  rig = { workbench, workspace, artifacts };
});

afterEach(async function () {
  const test = this.currentTest;
  if (rig && test?.state === 'failed') {
    await rig.workbench.screenshot(`FAILED ${test.fullTitle()}`).catch(() => undefined);
  }
});

after(async function () {
  this.timeout(30_000);
  await browser?.close().catch(() => undefined);
  browser = undefined;
  rig = undefined;
});
