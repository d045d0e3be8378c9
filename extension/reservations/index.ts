// Coordination in the window: this window's agent, reserved files decorated in the explorer,
// tabs and editors, the Reservations and Inbox sections, a status bar item with agent and lock
// counts, and the commands. `registerCoordination` is called once from activate().
import * as vscode from 'vscode';
import type { HostClient } from '../client';
import { WindowAgent } from '../agents/identity';
import { CoordinationModel } from '../agents/model';
import { CoordinationStatusItem } from '../agents/statusItem';
import { INBOX_VIEW_ID, Inbox, type InboxNode } from '../mail/inbox';
import { PathChecker } from './checker';
import { registerReservationCommands } from './commands';
import { ReservationDecorations } from './decorations';
import { ReservationEditorSupport } from './editor';
import { RESERVATIONS_VIEW_ID, ReservationsTree } from './tree';

export interface CoordinationFeature {
  agent: WindowAgent;
  model: CoordinationModel;
  checker: PathChecker;
  inbox: Inbox;
}

export function registerCoordination(
  context: vscode.ExtensionContext,
  client: HostClient,
  output: vscode.LogOutputChannel,
  workspace: string | undefined,
): CoordinationFeature {
  const agent = new WindowAgent(client, output);
  const me = (): string => agent.name;
  const model = new CoordinationModel(client, output);
  const checker = new PathChecker(client, model, me, (m) => output.warn(m));
  const decorations = new ReservationDecorations(workspace, checker);
  const editor = new ReservationEditorSupport(workspace, checker, context.extensionUri);
  const tree = new ReservationsTree(model, me, workspace);
  const inbox = new Inbox(client, me, output);
  const status = new CoordinationStatusItem(model, me, `${RESERVATIONS_VIEW_ID}.focus`);
  const reservationsView = vscode.window.createTreeView(RESERVATIONS_VIEW_ID, { treeDataProvider: tree, showCollapseAll: true });
  const inboxView = vscode.window.createTreeView(INBOX_VIEW_ID, { treeDataProvider: inbox });
  inbox.view = inboxView;

  const redraw = (): void => {
    checker.invalidate();
    decorations.refresh();
    void editor.refresh();
    tree.refresh();
    status.render();
  };
  const config = () => vscode.workspace.getConfiguration('apiary.host');

  context.subscriptions.push(
    agent,
    model,
    checker,
    decorations,
    editor,
    tree,
    inbox,
    status,
    reservationsView,
    inboxView,
    vscode.window.registerFileDecorationProvider(decorations),
    model.onDidChangeReservations(redraw),
    agent.onDidRegister(() => {
      redraw();
      void inbox.refresh();
    }),
    ...registerReservationCommands({
      client,
      workspace,
      me,
      cliPath: context.asAbsolutePath('dist/cli.js'),
      nodePath: () => config().get<string>('nodePath', ''),
    }),
    vscode.commands.registerCommand('apiary.reservations.refresh', () => model.refresh()),
    vscode.commands.registerCommand('apiary.mail.open', (node?: InboxNode) => inbox.open(node)),
    vscode.commands.registerCommand('apiary.mail.reply', (node?: InboxNode) => inbox.reply(node)),
    vscode.commands.registerCommand('apiary.mail.markRead', (node?: InboxNode) => inbox.markRead(node)),
    vscode.commands.registerCommand('apiary.mail.ack', (node?: InboxNode) => inbox.ack(node)),
    vscode.commands.registerCommand('apiary.mail.refresh', () => inbox.refresh()),
  );
  return { agent, model, checker, inbox };
}
