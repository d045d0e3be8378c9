// The Hive view's commands: create, find, filter and group, and the context actions on a cell
// (Start, Claim, Close, Reopen, Add Dependency, Copy Id, Show Details). Each is one request to
// the host; the view redraws from the push that follows, not from the answer.
import * as vscode from 'vscode';
import {
  CELL_TYPES,
  DEP_TYPES,
  HiveClaimRequest,
  HiveCloseRequest,
  HiveCreateRequest,
  HiveDepAddRequest,
  HiveFindRequest,
  HiveListRequest,
  HiveReopenRequest,
  HiveSyncRequest,
  HiveUpdateRequest,
  type CellSummary,
  type CellType,
  type DepType,
  type Priority,
} from '../../shared/hive';
import { errorData, errorText } from '../agents/errors';
import type { HostClient } from '../client';
import type { CellDocuments } from './details';
import { GROUP_BYS, type GroupBy, type HiveNode } from './model';
import type { HiveTree } from './tree';

export interface HiveViewState {
  get(): { groupBy: GroupBy; readyOnly: boolean };
  set(change: Partial<{ groupBy: GroupBy; readyOnly: boolean }>): void;
}

/** What a command gets: a row of the view, a cell id, or nothing (the palette). */
type CommandArg = HiveNode | string | undefined;

interface CellPick extends vscode.QuickPickItem {
  id: string;
}

const TYPE_DETAIL: Record<CellType, string> = {
  task: 'a piece of work',
  bug: 'something broken',
  feature: 'something new',
  epic: 'a larger goal; add subtasks under it',
  chore: 'upkeep',
};

/** A person's claim lasts a working session; agents' leases are short and renewed by heartbeats. */
const HUMAN_CLAIM_TTL_SECONDS = 4 * 3600;

const PRIORITY_LABELS = ['P0 — critical', 'P1 — high', 'P2 — normal', 'P3 — low', 'P4 — backlog'];

function cellPick(c: CellSummary): CellPick {
  return { id: c.id, label: c.title, description: `${c.id} · P${c.priority} · ${c.status.replace('_', ' ')}`, detail: c.assignee ? `@${c.assignee}` : undefined };
}

export function registerHiveCommands(client: HostClient, tree: HiveTree, docs: CellDocuments, state: HiveViewState): vscode.Disposable[] {
  const fail = (what: string, err: unknown): void => void vscode.window.showErrorMessage(`Apiary: could not ${what}: ${errorText(err)}`);

  /** Picks a cell when a command runs from the palette (no row given). */
  async function pickCell(placeHolder: string, filter: (c: CellSummary) => boolean = () => true): Promise<string | undefined> {
    const cells = tree.current?.cells ?? (await client.request(HiveListRequest, { limit: 1000 })).cells;
    const picked = await vscode.window.showQuickPick(cells.filter(filter).map(cellPick), { placeHolder, matchOnDescription: true });
    return picked?.id;
  }

  /** The cell a command acts on: a row, an id (other parts of the extension pass one), the selection, or a pick. */
  async function target(node: CommandArg, placeHolder: string, filter?: (c: CellSummary) => boolean): Promise<string | undefined> {
    if (typeof node === 'string') return node;
    if (node?.kind === 'cell') return node.cell.id;
    const selected = tree.view?.selection[0];
    if (!node && selected?.kind === 'cell' && (!filter || filter(selected.cell))) return selected.cell.id;
    return pickCell(placeHolder, filter);
  }

  const notClosed = (c: CellSummary) => c.status !== 'closed';

  /** A new cell from three quick questions; from an epic's row, a subtask of it. */
  async function create(node: CommandArg): Promise<void> {
    const parent = typeof node === 'object' && node.kind === 'cell' && node.cell.type === 'epic' ? node.cell.id : undefined;
    const heading = parent ? `New subtask of ${parent}` : 'New cell';
    const title = await vscode.window.showInputBox({ title: `${heading} (1/3)`, prompt: 'Title', placeHolder: 'What needs doing?', validateInput: (v) => (v.trim() ? undefined : 'A title is required') });
    if (!title) return;
    const type = await vscode.window.showQuickPick(
      CELL_TYPES.map((t) => ({ label: t, detail: TYPE_DETAIL[t] })),
      { title: `${heading} (2/3)`, placeHolder: 'Type' },
    );
    if (!type) return;
    const priorities = PRIORITY_LABELS.map((label, p) => ({ label, p: p as Priority }));
    const priority = await vscode.window.showQuickPick([priorities[2]!, ...priorities.filter((_, i) => i !== 2)], { title: `${heading} (3/3)`, placeHolder: 'Priority' });
    if (!priority) return;
    const { cell } = await client.request(HiveCreateRequest, { title: title.trim(), type: type.label as CellType, priority: priority.p, ...(parent ? { parent } : {}) });
    await tree.refresh();
    const shown = tree.find(cell.id);
    if (shown && tree.view) await tree.view.reveal(shown, { select: true, focus: false });
    vscode.window.setStatusBarMessage(`$(check) Created ${cell.id}`, 4000);
  }

  const command = (id: string, run: (node: CommandArg) => Promise<void> | void): vscode.Disposable =>
    vscode.commands.registerCommand(id, async (node: CommandArg) => {
      try {
        await run(node);
      } catch (err) {
        fail(id.replace(/^apiary\.hive\./, '').replace(/([A-Z])/g, ' $1').toLowerCase(), err);
      }
    });

  return [
    command('apiary.hive.create', (node) => create(node)),
    command('apiary.hive.addSubtask', (node) => create(node)),

    command('apiary.hive.findCell', async () => {
      const qp = vscode.window.createQuickPick<CellPick>();
      qp.title = 'Find Cell';
      qp.placeholder = 'Search cells by id, title or description';
      qp.matchOnDescription = true;
      qp.busy = true;
      let query = 0;
      const search = async (text: string): Promise<void> => {
        const mine = ++query;
        qp.busy = true;
        try {
          const r = text.trim() ? await client.request(HiveFindRequest, { text: text.trim(), limit: 50 }) : await client.request(HiveListRequest, { limit: 200 });
          if (mine === query) {
            // New answers replace the list: keep the row the person is on, so a click or Enter
            // landing as the list changes still picks what they meant.
            const active = qp.activeItems[0]?.id;
            qp.items = r.cells.map(cellPick);
            const again = qp.items.find((i) => i.id === active);
            if (again) qp.activeItems = [again];
          }
        } catch (err) {
          if (mine === query) qp.items = [{ id: '', label: `$(error) ${errorText(err)}`, alwaysShow: true }];
        } finally {
          if (mine === query) qp.busy = false;
        }
      };
      let timer: NodeJS.Timeout | undefined;
      qp.onDidChangeValue((v) => {
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => void search(v), 120);
      });
      const chosen = new Promise<string | undefined>((resolve) => {
        qp.onDidAccept(() => resolve((qp.selectedItems[0] ?? qp.activeItems[0])?.id || undefined));
        qp.onDidHide(() => resolve(undefined));
      });
      void search('');
      qp.show();
      const id = await chosen;
      qp.dispose();
      if (!id) return;
      await docs.show(id);
      // Selecting the row is a courtesy: the details are what was asked for, so they never wait on it.
      const shown = tree.find(id);
      if (shown && tree.view) void tree.view.reveal(shown, { select: true, focus: false, expand: true }).then(undefined, () => undefined);
    }),

    command('apiary.hive.readyOnly', () => state.set({ readyOnly: true })),
    command('apiary.hive.showAll', () => state.set({ readyOnly: false })),
    command('apiary.hive.groupBy', async () => {
      const current = state.get().groupBy;
      const labels: Record<GroupBy, string> = { epic: 'Epic — epics with their subtasks', status: 'Status — in progress, ready, blocked, closed', assignee: 'Assignee — who holds what' };
      const pick = await vscode.window.showQuickPick(
        GROUP_BYS.map((g) => ({ label: labels[g], g, description: g === current ? '(current)' : undefined })),
        { placeHolder: 'Group the Hive view by' },
      );
      if (pick) state.set({ groupBy: pick.g });
    }),
    command('apiary.hive.refresh', () => tree.refresh()),

    command('apiary.hive.start', async (node) => {
      const id = await target(node, 'Start which cell?', (c) => c.status === 'open');
      if (!id) return;
      const { cell } = await client.request(HiveClaimRequest, { id, ttlSeconds: HUMAN_CLAIM_TTL_SECONDS });
      if (cell.status === 'open') await client.request(HiveUpdateRequest, { id, status: 'in_progress' });
      vscode.window.setStatusBarMessage(`$(play) Started ${id}`, 4000);
    }),
    command('apiary.hive.claim', async (node) => {
      const id = await target(node, 'Claim which cell?', notClosed);
      if (!id) return;
      const { cell } = await client.request(HiveClaimRequest, { id, ttlSeconds: HUMAN_CLAIM_TTL_SECONDS });
      vscode.window.setStatusBarMessage(`$(lock) Claimed ${id} until ${new Date(cell.claim!.expiresAt).toLocaleTimeString()}`, 4000);
    }),
    command('apiary.hive.close', async (node) => {
      const id = await target(node, 'Close which cell?', notClosed);
      if (!id) return;
      const reason = await vscode.window.showInputBox({ title: `Close ${id}`, prompt: 'Why is it done? (optional)', placeHolder: 'e.g. fixed in 3f2a1c, or: no longer needed' });
      if (reason === undefined) return;
      const params = { id, ...(reason.trim() ? { reason: reason.trim() } : {}) };
      try {
        await client.request(HiveCloseRequest, params);
      } catch (err) {
        const holder = errorData(err)?.details?.holder;
        if (errorData(err)?.code !== 'conflict' || typeof holder !== 'string') throw err;
        const force = await vscode.window.showWarningMessage(`${id} is claimed by ${holder}. Close it anyway?`, { modal: true }, 'Close Anyway');
        if (force !== 'Close Anyway') return;
        await client.request(HiveCloseRequest, { ...params, force: true });
      }
      vscode.window.setStatusBarMessage(`$(pass) Closed ${id}`, 4000);
    }),
    command('apiary.hive.reopen', async (node) => {
      const id = await target(node, 'Reopen which cell?', (c) => c.status === 'closed');
      if (!id) return;
      await client.request(HiveReopenRequest, { id });
    }),
    command('apiary.hive.addDependency', async (node) => {
      const id = await target(node, 'Add a dependency to which cell?', notClosed);
      if (!id) return;
      const other = await pickCell(`${id} depends on…`, (c) => c.id !== id);
      if (!other) return;
      const types: Array<{ label: DepType; detail: string; done: string }> = [
        { label: 'blocks', detail: `${id} waits until ${other} is closed`, done: `${id} now waits for ${other}` },
        { label: 'parent-child', detail: `${id} becomes a subtask of ${other}`, done: `${id} is now a subtask of ${other}` },
        { label: 'related', detail: 'linked, no waiting', done: `${id} is related to ${other}` },
        { label: 'discovered-from', detail: `${id} was found while working on ${other}`, done: `${id} was discovered from ${other}` },
      ];
      const type = await vscode.window.showQuickPick(types.filter((t) => DEP_TYPES.includes(t.label)), { placeHolder: 'Kind of dependency' });
      if (!type) return;
      await client.request(HiveDepAddRequest, { id, dependsOn: other, type: type.label });
      vscode.window.setStatusBarMessage(`$(link) ${type.done}`, 4000);
    }),
    command('apiary.hive.copyId', async (node) => {
      const id = await target(node, 'Copy the id of which cell?');
      if (!id) return;
      await vscode.env.clipboard.writeText(id);
      vscode.window.setStatusBarMessage(`$(copy) Copied ${id}`, 3000);
    }),
    command('apiary.hive.showDetails', async (node) => {
      const id = await target(node, 'Show which cell?');
      if (id) await docs.show(id);
    }),
    command('apiary.hive.sync', async () => {
      const r = await vscode.window.withProgress({ location: { viewId: 'apiary.hive' }, title: 'Syncing the hive' }, () => client.request(HiveSyncRequest, {}));
      const parts = [r.committed ? `committed ${r.committed.slice(0, 8)}` : 'nothing new to commit'];
      if (r.remote) parts.push(`pulled ${r.pulled}`, r.pushed ? 'pushed' : 'not pushed');
      void vscode.window.showInformationMessage(`Apiary: hive synced — ${parts.join(', ')}.`);
    }),
  ];
}
