// The Hive view in the real workbench: an agent (the CLI acting as BlueLake) creates an epic with
// subtasks and the view shows it with no refresh by anyone; Start and Close from a row's context
// menu act on the host; the Ready filter and the group-by switch redraw the tree; "Apiary: Find
// Cell…" finds a cell and opens its details.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Locator } from 'playwright-core';
import type { CellDetail, HiveEpicResult } from '../../../shared/hive';
import { vscodeRig } from '../support/session';
import type { TreeRow } from '../support/workbench';

const root = path.resolve(__dirname, '..', '..', '..');
const cli = path.join(root, 'dist', 'cli.js');

function apiary<T>(args: string[]): T {
  const { workspace } = vscodeRig();
  const out = execFileSync(process.execPath, [cli, ...args, '--workspace', workspace, '--json'], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!) as T;
}

function exact(text: string): RegExp {
  return new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
}

/** The Hive pane, expanded. */
async function hivePane(): Promise<Locator> {
  const { workbench } = vscodeRig();
  await workbench.openViewContainer('Apiary');
  const pane = workbench.view('Hive');
  await pane.waitFor({ state: 'visible', timeout: 15_000 });
  const header = pane.locator('.pane-header').first();
  if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
  return pane;
}

async function rows(): Promise<TreeRow[]> {
  return vscodeRig().workbench.treeRows('Hive');
}

function rowOf(pane: Locator, title: string): Locator {
  return pane.locator('.monaco-list-row').filter({ has: pane.page().locator('.label-name', { hasText: exact(title) }) }).first();
}

/** Right-clicks a row and picks an entry of its context menu. */
async function contextAction(pane: Locator, title: string, action: string): Promise<void> {
  const page = pane.page();
  const row = rowOf(pane, title);
  await row.click({ button: 'right' });
  const item = page.locator('.context-view .monaco-menu .action-item').filter({ has: page.locator('.action-label', { hasText: exact(action) }) }).first();
  await item.waitFor({ state: 'visible', timeout: 10_000 });
  await vscodeRig().workbench.screenshot(`hive-context-menu-${action.replace(/\W+/g, '-').toLowerCase()}`);
  await item.click();
}

/** Clicks a button of the Hive view's title bar by its tooltip. */
async function titleAction(pane: Locator, label: string): Promise<void> {
  await pane.hover();
  const button = pane.locator(`.pane-header .actions .action-label[aria-label^="${label}"]`).first();
  await button.waitFor({ state: 'visible', timeout: 10_000 });
  await button.click();
}

describe('VS Code: the Hive view', () => {
  let epic: HiveEpicResult;
  let grammar: string;
  let tests: string;
  let readme: string;

  it('shows an epic an agent created through the CLI, with its subtasks, priority, holder and blocker, without a refresh', async () => {
    const { workbench } = vscodeRig();
    await workbench.waitForStatusBarItem('Apiary: ready', 90_000);
    await hivePane();
    epic = apiary<HiveEpicResult>(['hive', 'create', '--title', 'Ship the parser', '--priority', '1', '--subtask', 'Write the grammar', '--subtask', 'Write the tests', '--agent', 'BlueLake']);
    [grammar, tests] = epic.subtasks.map((s) => s.id) as [string, string];
    apiary(['hive', 'dep', 'add', tests, grammar, '--agent', 'BlueLake']);
    readme = apiary<{ cell: { id: string } }>(['hive', 'create', '--title', 'Tidy the README', '--type', 'chore', '--priority', '3', '--agent', 'BlueLake']).cell.id;

    const shown = await workbench.until(
      'the epic and its subtasks in the Hive view',
      rows,
      (r) => r.some((x) => x.label === 'Write the tests' && x.description.includes('blocked by')) && r.some((x) => x.label === 'Tidy the README'),
    );
    const top = shown.find((x) => x.label === 'Ship the parser')!;
    const a = shown.find((x) => x.label === 'Write the grammar')!;
    const b = shown.find((x) => x.label === 'Write the tests')!;
    assert.equal(top.description, `P1 · ${epic.epic.id}`);
    assert.equal(top.expanded, true);
    assert.equal(a.level, top.level + 1, 'subtasks sit under their epic');
    assert.equal(b.level, top.level + 1);
    assert.equal(a.description, `P1 · ${grammar}`);
    assert.equal(b.description, `P1 · ${tests} · blocked by ${grammar}`);
    assert.ok(shown.findIndex((x) => x.label === 'Tidy the README') > shown.findIndex((x) => x.label === 'Write the tests'), 'less urgent work comes later');
    await workbench.screenshot('hive-view-epic');
  });

  it('starts a cell from its context menu (claimed by the person, in progress) and closes it with a reason', async () => {
    const { workbench } = vscodeRig();
    const page = workbench.page;
    const pane = await hivePane();

    await contextAction(pane, 'Write the grammar', 'Start Cell');
    await workbench.until('the started cell held by you', rows, (r) => r.some((x) => x.label === 'Write the grammar' && x.description === `P1 · ${grammar} · @you`));
    const started = apiary<CellDetail>(['hive', 'show', grammar]);
    assert.equal(started.cell.status, 'in_progress');
    assert.equal(started.cell.claim?.holder, 'you');
    await workbench.screenshot('hive-view-started');

    await contextAction(pane, 'Write the grammar', 'Close Cell…');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill('grammar merged');
    await page.keyboard.press('Enter');
    const after = await workbench.until('the blocker gone from the tests row', rows, (r) => r.some((x) => x.label === 'Write the tests' && x.description === `P1 · ${tests}`));
    assert.ok(after.some((x) => x.label === 'Write the grammar'), 'closed cells stay in the tree');
    const closed = apiary<CellDetail>(['hive', 'show', grammar]);
    assert.deepEqual([closed.cell.status, closed.cell.closeReason], ['closed', 'grammar merged']);
    await workbench.screenshot('hive-view-closed');
  });

  it('filters to the ready queue and groups by status from the view\'s title bar', async () => {
    const { workbench } = vscodeRig();
    const page = workbench.page;
    const pane = await hivePane();
    await titleAction(pane, 'Hive: Show Ready Cells Only');
    const ready = await workbench.until('only ready cells (and their epic)', rows, (r) => !r.some((x) => x.label === 'Write the grammar'));
    assert.ok(ready.some((x) => x.label === 'Write the tests'));
    assert.ok(ready.some((x) => x.label === 'Tidy the README'));
    await workbench.screenshot('hive-view-ready-only');
    await titleAction(pane, 'Hive: Show All Cells');
    await workbench.until('every cell again', rows, (r) => r.some((x) => x.label === 'Write the grammar'));

    await titleAction(pane, 'Hive: Group By');
    const pick = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ hasText: /^Status/ }).first();
    await pick.waitFor({ state: 'visible', timeout: 10_000 });
    await pick.click();
    const grouped = await workbench.until('status groups', rows, (r) => r.some((x) => x.label === 'Ready') && r.some((x) => x.label === 'Closed'));
    const closedGroup = grouped.findIndex((x) => x.label === 'Closed');
    assert.equal(grouped[closedGroup + 1]?.label, 'Write the grammar');
    await workbench.screenshot('hive-view-by-status');
    await titleAction(pane, 'Hive: Group By');
    await page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ hasText: /^Epic/ }).first().click();
    await workbench.until('epics again', rows, (r) => r.some((x) => x.label === 'Ship the parser' && x.expanded === true));
  });

  it('finds a cell with "Apiary: Find Cell…" and opens its details', async () => {
    const { workbench } = vscodeRig();
    const page = workbench.page;
    await workbench.runCommand('Apiary: Find Cell…');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill('tests');
    const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ hasText: 'Write the tests' }).first();
    await row.waitFor({ state: 'visible', timeout: 10_000 });
    // The host's answer for "tests" replaces the first list: let it arrive (the busy bar goes) before choosing.
    await page.waitForTimeout(300);
    await page.locator('.quick-input-widget .monaco-progress-container.active').waitFor({ state: 'detached', timeout: 10_000 }).catch(() => undefined);
    await workbench.screenshot('hive-find-cell');
    await row.click();
    await workbench.waitForText(() => workbench.activeEditorTitle(), new RegExp(`^${tests.replace(/\./g, '\\.')}\\.md$`));
    const text = await workbench.activeEditorText();
    assert.match(text, /^# Write the tests/);
    assert.match(text, new RegExp(`^- \\*\\*Parent:\\*\\* \`${epic.epic.id}\`$`, 'm'));
    await workbench.screenshot('hive-cell-details');
    await workbench.runCommand('View: Close All Editors');
  });

  it('creates a cell with the + button, links it with Add Dependency, and reopens a closed cell', async () => {
    const { workbench } = vscodeRig();
    const page = workbench.page;
    const pane = await hivePane();
    const input = page.locator('.quick-input-widget .quick-input-box input');
    const answer = async (text: string): Promise<void> => {
      await input.waitFor({ state: 'visible', timeout: 10_000 });
      await input.fill(text);
      // A quick pick filters as you type: wait for the match before accepting it.
      await page.waitForTimeout(300);
      await page.keyboard.press('Enter');
    };

    await titleAction(pane, 'Create Cell');
    await answer('Update the changelog');
    await answer('chore');
    await answer('P1');
    const created = await workbench.until('the new cell in the view', rows, (r) => r.some((x) => x.label === 'Update the changelog'));
    const row = created.find((x) => x.label === 'Update the changelog')!;
    const id = /^P1 · (\S+)$/.exec(row.description)?.[1];
    assert.ok(id, `priority and id in the description: ${row.description}`);
    const shown = apiary<CellDetail>(['hive', 'show', id]);
    assert.deepEqual([shown.cell.type, shown.cell.priority, shown.cell.status], ['chore', 1, 'open']);

    await contextAction(pane, 'Update the changelog', 'Add Dependency…');
    await answer('Tidy the README');
    await answer('blocks');
    await workbench.until('the new cell waiting for the README', rows, (r) => r.some((x) => x.label === 'Update the changelog' && x.description === `P1 · ${id} · blocked by ${readme}`));
    assert.deepEqual(apiary<CellDetail>(['hive', 'show', id]).blockedBy, [readme]);

    await contextAction(pane, 'Write the grammar', 'Reopen Cell');
    await workbench.until('the grammar open again', async () => apiary<CellDetail>(['hive', 'show', grammar]).cell.status, (status) => status === 'open');
    await workbench.screenshot('hive-view-created-linked-reopened');
  });
});
