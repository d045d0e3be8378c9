// Approvals inline in the real workbench: an agent (the CLI, `approval request --wait`, in the
// background) asks to apply a two-file change; a comment thread appears at the changed lines of
// each file; Approve in the thread's title applies both files as one edit (saved to disk) and
// the waiting agent hears "approved". A second request is opened as a diff and rejected from the
// diff editor's title with a reason, which the agent receives.
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { vscodeRig } from '../support/session';

const root = path.resolve(__dirname, '..', '..', '..');
const cli = path.join(root, 'dist', 'cli.js');

interface Waiting {
  done: Promise<{ code: number | null; out: { approval?: { status: string; decision: { reason: string | null; applied: boolean } | null } } }>;
}

const agents = new Set<ChildProcess>();

/** `apiary approval request … --wait` in the background, as an agent would run it. */
function requestInBackground(workspace: string, args: string[]): Waiting {
  const child = spawn(process.execPath, [cli, 'approval', 'request', ...args, '--wait', '--json', '--workspace', workspace, '--agent', 'builder'], { stdio: ['ignore', 'pipe', 'pipe'] });
  agents.add(child);
  child.once('exit', () => agents.delete(child));
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  return {
    done: new Promise((resolve) => child.on('close', (code) => resolve({ code, out: JSON.parse(out.trim().split('\n').pop() || '{}') as never }))),
  };
}

function proposal(content: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apiary-proposal-'));
  const file = path.join(dir, 'content');
  fs.writeFileSync(file, content);
  return file;
}

async function openFile(page: Page, rel: string): Promise<void> {
  const { workbench } = vscodeRig();
  await workbench.closeQuickInput();
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  await input.fill(rel);
  const name = path.basename(rel);
  const row = page
    .locator('.quick-input-widget .quick-input-list .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${name.replace('.', '\\.')}\\s*$`) }) })
    .first();
  await row.waitFor({ state: 'visible', timeout: 15_000 });
  await row.click();
  await workbench.waitForText(() => workbench.activeEditorTitle(), new RegExp(`^${path.basename(rel).replace('.', '\\.')}$`));
}

/** The line range the Comments panel gives a file's thread ("[Ln 4-5]"), read from its rows. */
async function threadLines(page: Page, file: string): Promise<string> {
  const rows = await page.locator('.part.panel .monaco-list-row').allInnerTexts();
  const at = rows.findIndex((r) => r.replace(/\s+/g, ' ').trim().startsWith(file));
  const next = at >= 0 ? rows[at + 1] : undefined;
  return /\[(Ln [\d-]+)\]/.exec(next ?? '')?.[1] ?? '';
}

function thread(page: Page, text: RegExp): Locator {
  return page.locator('.part.editor .review-widget').filter({ hasText: text }).first();
}

const CALC = ['export function add(a: number, b: number): number {', '  return a + b;', '}', '', 'export function sub(a: number, b: number): number {', '  return a - b;', '}', ''].join('\n');
const UNITS = ['// Units', 'export const METRE = 1;', 'export const KILOMETRE = 1000;', 'export const MILE = 1609;', 'export const INCH = 0.025;', ''].join('\n');

describe('VS Code: approvals', () => {
  // A failed spec must not leave an agent blocked on its request (it would keep the run alive).
  after(() => {
    for (const child of agents) child.kill('SIGKILL');
  });

  it('shows a two-file change as comment threads at the changed lines; Approve applies both files and answers the agent', async () => {
    const { workbench, workspace } = vscodeRig();
    const page = workbench.page;
    await workbench.waitForStatusBarItem('Apiary: ready', 90_000);
    fs.writeFileSync(path.join(workspace, 'src', 'calc.ts'), CALC);
    fs.writeFileSync(path.join(workspace, 'src', 'units.ts'), UNITS);
    const newCalc = CALC.replace('return a - b;', 'return a - b; // checked');
    const newUnits = UNITS.replace('MILE = 1609;', 'MILE = 1609.344;').replace('INCH = 0.025;', 'INCH = 0.0254;');
    const made = JSON.parse(execFileSync(process.execPath, [cli, 'hive', 'create', '--title', 'Make the units precise', '--json', '--workspace', workspace, '--agent', 'builder'], { encoding: 'utf8' })) as { cell: { id: string } };
    const cellId = made.cell.id;
    const waiting = requestInBackground(workspace, [
      '--kind', 'change', '--summary', 'Precise units and a note', '--confidence', '0.6', '--cell', cellId,
      '--change', `src/calc.ts=${proposal(newCalc)}`, '--change', `src/units.ts=${proposal(newUnits)}`,
    ]);

    const status = await workbench.waitForStatusBarItem('1 Apiary approval request waiting', 30_000);
    assert.match(status.text, /1/);

    await openFile(page, 'src/units.ts');
    const unitsThread = thread(page, /Precise units and a note/);
    await unitsThread.waitFor({ state: 'visible', timeout: 30_000 });
    const text = await unitsThread.innerText();
    assert.match(text, /builder/);
    assert.match(text, /60% confident/);
    await workbench.screenshot('approvals-thread-units');
    await workbench.runCommand('Comments: Focus on Comments View');
    assert.equal(await workbench.until('the units.ts thread range', () => threadLines(page, 'units.ts'), (l) => l !== ''), 'Ln 4-5', 'MILE and INCH lines');
    assert.equal(await threadLines(page, 'calc.ts'), 'Ln 6', 'the sub() body line');

    await openFile(page, 'src/calc.ts');
    await thread(page, /Precise units and a note/).waitFor({ state: 'visible', timeout: 30_000 });

    await workbench.openViewContainer('Apiary');
    const rows = await workbench.until('the request in the Approvals section', () => workbench.treeRows('Approvals'), (r) => r.some((x) => x.label === 'Precise units and a note'));
    assert.match(rows.find((x) => x.label === 'Precise units and a note')!.description, /builder · change · 60%/);
    await workbench.screenshot('approvals-sidebar');
    // The request's cell in the Hive view says that its agent waits for you.
    const hiveRows = await workbench.until('the waiting badge in the Hive view', () => workbench.treeRows('Hive'), (r) => r.some((x) => x.label === 'Make the units precise' && /1 waiting for you/.test(x.description)));
    assert.match(hiveRows.find((x) => x.label === 'Make the units precise')!.description, new RegExp(`1 waiting for you · P2 · ${cellId}`));

    const approve = thread(page, /Precise units and a note/).locator('.head [aria-label^="Approve"]').first();
    await approve.click();
    const result = await waiting.done;
    assert.equal(result.code, 0);
    assert.equal(result.out.approval?.status, 'approved');
    assert.equal(result.out.approval?.decision?.applied, true);
    await workbench.until('both files on disk', async () => [fs.readFileSync(path.join(workspace, 'src', 'calc.ts'), 'utf8'), fs.readFileSync(path.join(workspace, 'src', 'units.ts'), 'utf8')], (f) => f[0] === newCalc && f[1] === newUnits);
    await thread(page, /Precise units and a note/).waitFor({ state: 'hidden', timeout: 15_000 });
    await workbench.until('the status bar count to go', async () => (await workbench.readStatusBarItem('1 Apiary approval')) === undefined, (gone) => gone);
  });

  it('opens a proposal as a diff, and Reject in the diff title sends the reason back to the agent', async () => {
    const { workbench, workspace } = vscodeRig();
    const page = workbench.page;
    const current = fs.readFileSync(path.join(workspace, 'src', 'calc.ts'), 'utf8');
    const waiting = requestInBackground(workspace, ['--kind', 'change', '--summary', 'Drop sub()', '--confidence', '0.4', '--change', `src/calc.ts=${proposal(current.split('\n\n')[0] + '\n')}`]);
    await openFile(page, 'src/calc.ts');
    const t = thread(page, /Drop sub\(\)/);
    await t.waitFor({ state: 'visible', timeout: 30_000 });
    await workbench.screenshot('approvals-thread-calc');
    await t.locator('.head [aria-label^="Open Diff"]').first().click();
    await workbench.waitForText(() => workbench.activeEditorTitle(), /calc\.ts ↔ proposed by builder/);
    await page.locator('.part.editor .monaco-diff-editor .modified .view-lines', { hasText: 'export function add' }).first().waitFor({ state: 'visible', timeout: 15_000 });
    await page.locator('.part.editor .monaco-diff-editor .original .view-lines', { hasText: 'sub' }).first().waitFor({ state: 'visible', timeout: 15_000 });
    await workbench.screenshot('approvals-diff');
    await page.locator('.part.editor .title [aria-label*="Reject"], .part.editor .editor-actions [aria-label*="Reject"]').first().click();
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    await input.fill('sub() is still used by the billing module');
    await page.keyboard.press('Enter');
    const result = await waiting.done;
    assert.equal(result.code, 1);
    assert.equal(result.out.approval?.status, 'rejected');
    assert.equal(result.out.approval?.decision?.reason, 'sub() is still used by the billing module');
    assert.equal(fs.readFileSync(path.join(workspace, 'src', 'calc.ts'), 'utf8'), current, 'a rejected change writes nothing');
  });

  it('asks for a command through a notification, and shows the agent\'s trust after an approval and a rejection', async () => {
    const { workbench, workspace } = vscodeRig();
    const page = workbench.page;
    const waiting = requestInBackground(workspace, ['--kind', 'command', '--summary', 'Deploy the preview', '--command', 'npm run deploy:preview', '--confidence', '0.7']);
    const text = await workbench.waitForNotification(/builder asks to run "npm run deploy:preview": Deploy the preview/);
    assert.match(text, /70% confident/);
    await workbench.screenshot('approvals-notification');
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'Deploy the preview' }).first();
    await toast.locator('a.monaco-button', { hasText: /^Approve$/ }).first().click();
    const result = await waiting.done;
    assert.equal(result.code, 0);
    assert.equal(result.out.approval?.status, 'approved');

    await workbench.runCommand('Apiary: Show Agent Trust…');
    const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'builder' }).first();
    await row.waitFor({ state: 'visible', timeout: 15_000 });
    const shown = (await row.innerText()).replace(/\s+/g, ' ');
    // approved (1.00, capped), rejected (0.50), approved (0.60)
    assert.match(shown, /trust 0\.60/);
    assert.match(shown, /2 successes, 1 failure — below 0\.70: risky requests always ask a human/);
    await workbench.screenshot('approvals-trust');
    await workbench.closeQuickInput();
  });
});
