// Messages between the Learning view (webview) and the extension, declared once for both sides.
import type { LearningReport } from '../../shared/learning';

export interface LearningPanelState {
  connection: 'ready' | 'connecting' | 'error';
  report?: LearningReport;
  error?: string;
}

/** Extension → webview. */
export type ToLearningView = { type: 'state'; state: LearningPanelState };

export const LEARNING_COMMANDS = {
  remember: 'apiary.remember',
  searchMemory: 'apiary.searchMemory',
} as const;
export type LearningCommand = keyof typeof LEARNING_COMMANDS;

/** Webview → extension. */
export type FromLearningView = { type: 'ready' } | { type: 'command'; command: LearningCommand };

export function isFromLearningView(value: unknown): value is FromLearningView {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as { type?: unknown; command?: unknown };
  if (m.type === 'ready') return true;
  return m.type === 'command' && typeof m.command === 'string' && Object.hasOwn(LEARNING_COMMANDS, m.command);
}

export function isToLearningView(value: unknown): value is ToLearningView {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as { type?: unknown; state?: unknown };
  return m.type === 'state' && typeof m.state === 'object' && m.state !== null;
}
