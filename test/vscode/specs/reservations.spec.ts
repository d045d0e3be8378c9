// Reservations in the real workbench: another agent (the CLI acting as BlueLake) reserves a
// fixture file and, with no refresh by anyone, the explorer row shows the holder's badge and
// tooltip, the Reservations section lists it under BlueLake, the editor shows the gutter icon
// and a hover with the facts; releasing it takes all of that away again. Then the human
// reserves a file from the command palette and sees the "mine" decoration.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { vscodeRig } from '../support/session';

const root = path.resolve(__dirname, '..', '..', '..');
const cli = path.join(root, 'dist', 'cli.js');

function apiary(workspace: string, args: string[]): unknown {
  const out = execFileSync(process.execPath, [cli, ...args, '--workspace', workspace, '--json'], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!);
}

function exact(text: string): RegExp {
  return new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
}

/** An explorer row by its file name. */
function explorerRow(page: Page, name: string): Locator {
  return page.locator('.explorer-folders-view .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: exact(name) }) }).first();
}

interface RowDecoration {
  /** Text VS Code draws as the badge (a CSS ::after content), '' when none. */
  badge: string;
  /** The row label's hover title (path • decoration tooltip). */
  title: string;
  /** The label's colour. */
  color: string;
}

/** What the row shows: decoration badges are CSS pseudo-elements, so they are read from computed styles. */
async function decorationOf(row: Locator): Promise<RowDecoration> {
  return row.evaluate((el) => {
    let badge = '';
    for (const node of [el, ...Array.from(el.querySelectorAll('*'))]) {
      const content = getComputedStyle(node, '::after').content;
      if (content && content !== 'none' && content !== 'normal' && content !== '""') badge += content.replace(/^"|"$/g, '');
    }
    const label = el.querySelector('.monaco-icon-label') as HTMLElement | null;
    const name = el.querySelector('.label-name') as HTMLElement | null;
    return { badge, title: label?.title || label?.getAttribute('aria-label') || '', color: name ? getComputedStyle(name).color : '' };
  });
}

/** Background images drawn in the active editor's margin (gutter decorations are CSS backgrounds). */
async function gutterIcons(page: Page): Promise<string[]> {
  return page.locator('.part.editor').first().evaluate((part) =>
    Array.from(part.querySelectorAll('.monaco-editor .margin *, .monaco-editor .glyph-margin-widgets *'))
      .flatMap((el) => [getComputedStyle(el).backgroundImage, getComputedStyle(el, '::before').backgroundImage])
      .filter((bg) => bg && bg !== 'none')
      .map((bg) => decodeURIComponent(bg)),
  );
}

async function poll<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: T = await read();
  while (!ok(last)) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 300));
    last = await read();
  }
  return last;
}

async function showExplorerFile(page: Page, folder: string, file: string): Promise<Locator> {
  const { workbench } = vscodeRig();
  await workbench.runCommand('View: Show Explorer');
  const row = explorerRow(page, file);
  if (!(await row.isVisible().catch(() => false))) {
    const dir = explorerRow(page, folder);
    await dir.waitFor({ state: 'visible', timeout: 15_000 });
    if ((await dir.getAttribute('aria-expanded')) !== 'true') await dir.click();
  }
  await row.waitFor({ state: 'visible', timeout: 15_000 });
  return row;
}

/** Other specs share this window: start from no reservations at all, whoever held them. */
function releaseEverything(workspace: string): void {
  const { reservations } = apiary(workspace, ['lock', 'list']) as { reservations: Array<{ holder: string }> };
  for (const holder of new Set(reservations.map((r) => r.holder))) apiary(workspace, ['lock', 'release', '--all', '--agent', holder]);
}

/** A side bar section, expanded (another spec may have folded it). */
async function expandSection(title: string): Promise<void> {
  const { workbench } = vscodeRig();
  await workbench.openViewContainer('Apiary');
  const header = workbench.view(title).locator('.pane-header').first();
  await header.waitFor({ state: 'visible', timeout: 15_000 });
  if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
}

/** Opens a workspace file by clicking its explorer row, as a person does. */
async function openFile(page: Page, relative: string): Promise<void> {
  const { workbench } = vscodeRig();
  await workbench.closeQuickInput();
  const row = await showExplorerFile(page, path.dirname(relative), path.basename(relative));
  await row.click();
  await workbench.waitForText(() => workbench.activeEditorTitle(), new RegExp(`^${path.basename(relative).replace(/\./g, '\\.')}$`));
}

/**
 * The editor hover over the first line that contains `text`. A person whose hover does not come
 * up moves the mouse off and back; so does this (a hover can be dropped when the mouse lands
 * while the editor is still settling).
 */
async function editorHover(page: Page, text: string): Promise<Locator> {
  const line = page.locator('.part.editor .monaco-editor .view-line').first();
  const hover = page.locator('.monaco-hover:not(.hidden) .monaco-hover-content').filter({ hasText: text }).first();
  for (let attempt = 1; ; attempt++) {
    await page.mouse.move(0, 0);
    await line.hover({ position: { x: 30, y: 5 } });
    try {
      await hover.waitFor({ state: 'visible', timeout: 6000 });
      return hover;
    } catch (err) {
      if (attempt === 3) throw err;
    }
  }
}

describe('VS Code: file reservations', () => {
  before(async function () {
    this.timeout(120_000);
    const { workbench, workspace } = vscodeRig();
    await workbench.waitForStatusBarItem('Apiary: ready', 90_000);
    releaseEverything(workspace);
    await workbench.runCommand('View: Close All Editors');
    await workbench.runCommand('Notifications: Clear All Notifications');
  });

  // Each test starts from no reservations, also when the one before it failed half-way.
  afterEach(() => releaseEverything(vscodeRig().workspace));

  after(async function () {
    this.timeout(60_000);
    await vscodeRig().workbench.runCommand('Notifications: Clear All Notifications').catch(() => undefined);
  });

  it('shows another agent\'s reservation on the explorer row, in the Reservations section and in the editor, live, and drops it on release', async () => {
    const { workbench, workspace } = vscodeRig();
    const page = workbench.page;
    await workbench.waitForStatusBarItem('Apiary: ready', 90_000);
    const row = await showExplorerFile(page, 'src', 'greet.ts');
    const before = await decorationOf(row);
    assert.equal(before.badge, '', `no badge before anything is reserved: ${JSON.stringify(before)}`);

    apiary(workspace, ['lock', 'reserve', 'src/greet.ts', '--agent', 'BlueLake', '--reason', 'rename greet()', '--cell', 'hv-42', '--ttl', '1800']);

    const decorated = await poll('the BlueLake badge on greet.ts', () => decorationOf(row), (d) => d.badge === 'BL');
    assert.match(decorated.title, /Reserved by BlueLake/);
    assert.match(decorated.title, /exclusive · cell hv-42 · "rename greet\(\)" · (30|29) min left/);
    assert.notEqual(decorated.color, before.color, 'the reserved row takes the "reserved by another agent" colour');
    await row.hover();
    await workbench.screenshot('reservations-explorer-badge');

    const status = await workbench.waitForStatusBarItem('Apiary coordination: 1 reservation', 30_000);
    assert.match(status.text, /1/);

    await expandSection('Reservations');
    const rows = await poll(
      'BlueLake and src/greet.ts in the Reservations section',
      () => workbench.treeRows('Reservations'),
      (r) => r.some((x) => x.label === 'BlueLake') && r.some((x) => x.label === 'src/greet.ts'),
    );
    const holder = rows.find((x) => x.label === 'BlueLake')!;
    const item = rows.find((x) => x.label === 'src/greet.ts')!;
    assert.equal(holder.description, '1 reservation');
    assert.equal(item.level, holder.level + 1, 'listed under its holder');
    assert.match(item.description, /^(30|29) min left · hv-42$/);
    await workbench.screenshot('reservations-sidebar');

    // The editor: the tab carries the badge, the first line a gutter icon and a hover with the facts and actions.
    await openFile(page, 'src/greet.ts');
    await poll('the "reserved by another agent" gutter icon', () => gutterIcons(page), (icons) => icons.some((i) => i.includes('reserved-other.svg')));
    const tab = page.locator('.part.editor .tab.active').first();
    const tabBadge = await poll('the badge on the tab', () => decorationOf(tab), (d) => d.badge.includes('BL'));
    assert.match(tabBadge.badge, /BL/);
    const hover = await editorHover(page, 'Apiary reservation');
    const hoverText = await hover.innerText();
    assert.match(hoverText, /BlueLake holds it exclusively/);
    assert.match(hoverText, /rename greet\(\)/);
    assert.match(hoverText, /Request release/);
    assert.match(hoverText, /Open cell/);
    await workbench.screenshot('reservations-editor-hover');
    await page.keyboard.press('Escape');

    apiary(workspace, ['lock', 'release', '--all', '--agent', 'BlueLake']);
    await poll('the tab badge to go', () => decorationOf(tab), (d) => !d.badge.includes('BL'));
    await poll('the gutter icon to go', () => gutterIcons(page), (icons) => !icons.some((i) => i.includes('reserved-')));
    await poll('the Reservations section to empty', () => workbench.treeRows('Reservations'), (r) => !r.some((x) => x.label === 'src/greet.ts'));
    await workbench.waitForStatusBarItem('Apiary coordination: 0 reservations', 30_000);
    const rowAfter = await showExplorerFile(page, 'src', 'greet.ts');
    const after = await poll('the explorer badge to go', () => decorationOf(rowAfter), (d) => d.badge === '');
    assert.doesNotMatch(after.title, /Reserved by/);
    await workbench.screenshot('reservations-released');
  });

  it('reserves the active file for the human from the command palette and marks it as mine', async () => {
    const { workbench, workspace } = vscodeRig();
    const page = workbench.page;
    await workbench.waitForStatusBarItem('Apiary: ready', 90_000);
    await openFile(page, 'src/greet.ts');
    await workbench.runCommand('Apiary: Reserve File…');
    const pick = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'Exclusive' }).first();
    await pick.waitFor({ state: 'visible', timeout: 15_000 });
    await pick.click();
    const reason = page.locator('.quick-input-widget .quick-input-box input');
    await reason.waitFor({ state: 'visible', timeout: 15_000 });
    await reason.fill('spec: mine');
    await page.keyboard.press('Enter');
    await workbench.waitForNotification(/reserved src\/greet\.ts \(exclusive/);

    const list = apiary(workspace, ['lock', 'list']) as { reservations: Array<{ holder: string; pattern: string; reason: string }> };
    assert.deepEqual(list.reservations.map((r) => [r.holder, r.pattern, r.reason]), [['you', 'src/greet.ts', 'spec: mine']]);
    const tab = page.locator('.part.editor .tab.active').first();
    await poll('the "mine" badge on the tab', () => decorationOf(tab), (d) => d.badge.includes('✓'));
    const row = await showExplorerFile(page, 'src', 'greet.ts');
    const mine = await poll('the "mine" badge in the explorer', () => decorationOf(row), (d) => d.badge === '✓');
    assert.match(mine.title, /Reserved by you/);
    await poll('the "reserved by me" gutter icon', () => gutterIcons(page), (icons) => icons.some((i) => i.includes('reserved-mine.svg')));
    await workbench.screenshot('reservations-mine');

    await workbench.runCommand('Apiary: Release My Reservations');
    await workbench.waitForNotification(/released 1 reservation/);
    await poll('the "mine" badge to go', () => decorationOf(tab), (d) => !d.badge.includes('✓'));
  });

  it('raises a notification for urgent mail to the human and lists it in the Inbox section', async () => {
    const { workbench, workspace } = vscodeRig();
    apiary(workspace, ['mail', 'send', '--agent', 'BlueLake', '--to', 'you', '--subject', 'Need src/greet.ts', '--body', 'Can you release it?', '--importance', 'urgent']);
    const toast = await workbench.waitForNotification(/Urgent message from BlueLake: Need src\/greet\.ts/);
    assert.match(toast, /BlueLake/);
    await expandSection('Inbox');
    const rows = await poll('the thread in the Inbox section', () => workbench.treeRows('Inbox'), (r) => r.some((x) => x.label === 'Need src/greet.ts'));
    const thread = rows.find((x) => x.label === 'Need src/greet.ts')!;
    assert.match(thread.description, /BlueLake · 1 unread/);
    await workbench.screenshot('reservations-inbox-urgent');
  });

  it('warns the human who starts editing a file another agent holds, and records an override the holder is told about', async () => {
    const { workbench, workspace } = vscodeRig();
    const page = workbench.page;
    apiary(workspace, ['lock', 'reserve', 'src/greet.ts', '--agent', 'BlueLake', '--reason', 'rename greet()']);
    await workbench.waitForStatusBarItem('Apiary coordination: 1 reservation', 30_000);
    await openFile(page, 'src/greet.ts');
    await page.locator('.part.editor .monaco-editor .view-line').nth(2).click();
    await page.keyboard.press('End');
    await page.keyboard.type(' // touched');
    const warning = await workbench.waitForNotification(/src\/greet\.ts is reserved by BlueLake/);
    assert.match(warning, /reserved by BlueLake \(exclusive · "rename greet\(\)" · \d+ min left/);
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'src/greet.ts is reserved by BlueLake' }).first();
    await page.waitForTimeout(800); // let the toast finish sliding in
    await workbench.screenshot('reservations-edit-warning');
    await toast.locator('.monaco-button', { hasText: 'Override' }).click();
    await workbench.waitForNotification(/override recorded; BlueLake told/);

    const inbox = apiary(workspace, ['mail', 'inbox', '--peek', '--agent', 'BlueLake']) as { entries: Array<{ message: { from: string; subject: string } }> };
    assert.deepEqual(inbox.entries.map((e) => [e.message.from, e.message.subject]), [['you', 'you is editing src/greet.ts, which you reserved']]);
    const events = apiary(workspace, ['events', '--stream', 'locks']) as { events: Array<{ type: string; data: { by?: string; path?: string } }> };
    const override = events.events.filter((e) => e.type === 'lock.override');
    assert.deepEqual(override.map((e) => [e.data.by, e.data.path]), [['you', 'src/greet.ts']]);

    await workbench.runCommand('File: Revert File');
    apiary(workspace, ['lock', 'release', '--all', '--agent', 'BlueLake']);
    await workbench.waitForStatusBarItem('Apiary coordination: 0 reservations', 30_000);
  });

  it('opens the reservation\'s hive cell from the hover', async () => {
    const { workbench, workspace } = vscodeRig();
    const page = workbench.page;
    const { cell } = apiary(workspace, ['hive', 'create', '--title', 'Rename greet()']) as { cell: { id: string } };
    apiary(workspace, ['lock', 'reserve', 'src/greet.ts', '--agent', 'BlueLake', '--cell', cell.id]);
    await workbench.waitForStatusBarItem('Apiary coordination: 1 reservation', 30_000);
    await openFile(page, 'src/greet.ts');
    const hover = await editorHover(page, cell.id);
    await hover.locator('a', { hasText: 'Open cell' }).click();
    await workbench.waitForText(() => workbench.activeEditorTitle(), new RegExp(`^${cell.id}\\.md$`));
    await workbench.waitForText(() => workbench.activeEditorText(), /Rename greet\(\)/);
    apiary(workspace, ['lock', 'release', '--all', '--agent', 'BlueLake']);
  });
});
