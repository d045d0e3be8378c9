// Memory commands, registered once from activate().
import * as vscode from 'vscode';
import type { HostClient } from '../client';
import { remember, searchMemory } from './commands';

export function registerMemory(context: vscode.ExtensionContext, client: HostClient): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('apiary.remember', () => remember(client)),
    vscode.commands.registerCommand('apiary.searchMemory', () => searchMemory(client)),
  );
}
