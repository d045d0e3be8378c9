// The hive in the window: the Hive view in the Apiary sidebar, its commands, read-only cell
// documents and the hive file's problems. `registerHive` is called once from activate().
import * as vscode from 'vscode';
import type { HostClient } from '../client';
import { registerHiveCommands, type HiveViewState } from './commands';
import { CELL_SCHEME, CellDocuments } from './details';
import { GROUP_BYS, type GroupBy, type HiveNode, type HiveViewOptions } from './model';
import { HiveFileProblems } from './problems';
import { HIVE_VIEW_ID, HiveTree } from './tree';

export interface HiveFeature {
  tree: HiveTree;
  view: vscode.TreeView<HiveNode>;
  problems: HiveFileProblems;
}

const STATE_KEY = 'apiary.hive.viewOptions';

function savedOptions(memento: vscode.Memento): HiveViewOptions {
  const saved = memento.get<Partial<HiveViewOptions>>(STATE_KEY) ?? {};
  const groupBy: GroupBy = GROUP_BYS.includes(saved.groupBy as GroupBy) ? (saved.groupBy as GroupBy) : 'epic';
  return { groupBy, readyOnly: saved.readyOnly === true };
}

export function registerHive(context: vscode.ExtensionContext, client: HostClient, output: vscode.LogOutputChannel): HiveFeature {
  let options = savedOptions(context.workspaceState);
  const tree = new HiveTree(client, output, options);
  const view = vscode.window.createTreeView(HIVE_VIEW_ID, { treeDataProvider: tree, showCollapseAll: true });
  tree.view = view;
  const docs = new CellDocuments(client);
  const problems = new HiveFileProblems(client, output);
  const applyContext = (): void => void vscode.commands.executeCommand('setContext', 'apiary.hive.readyOnly', options.readyOnly);
  const state: HiveViewState = {
    get: () => options,
    set(change) {
      options = { ...options, ...change };
      void context.workspaceState.update(STATE_KEY, options);
      applyContext();
      tree.setOptions(options);
    },
  };
  applyContext();
  tree.setOptions(options);

  context.subscriptions.push(
    tree,
    view,
    docs,
    problems,
    vscode.workspace.registerTextDocumentContentProvider(CELL_SCHEME, docs),
    ...registerHiveCommands(client, tree, docs, state),
  );
  return { tree, view, problems };
}
