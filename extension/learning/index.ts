// The Learning view, registered once from activate().
import * as vscode from 'vscode';
import type { HostClient } from '../client';
import { LEARNING_VIEW_ID, LearningViewProvider } from './learningView';

export function registerLearning(context: vscode.ExtensionContext, client: HostClient): LearningViewProvider {
  const view = new LearningViewProvider(client, context.extensionUri);
  context.subscriptions.push(view, vscode.window.registerWebviewViewProvider(LEARNING_VIEW_ID, view));
  return view;
}
