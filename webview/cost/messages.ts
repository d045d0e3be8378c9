// The messages between the cost panel (webview) and the extension, declared once and imported by
// both sides. The extension owns the state; the webview renders it and asks for commands.
import type { CostReport, LlmConfigState } from '../../shared/llm';

/** Everything the panel shows. */
export interface CostPanelState {
  /** The host connection as the window sees it. */
  connection: 'ready' | 'connecting' | 'error';
  report?: CostReport;
  config?: LlmConfigState;
  /** Why the report could not be fetched (host down, request refused). */
  error?: string;
}

/** Extension → webview. */
export type ToCostView = { type: 'state'; state: CostPanelState };

/** Commands the panel's buttons run (contributed VS Code commands, so they are also in the palette). */
export const COST_COMMANDS = {
  setApiKey: 'apiary.setApiKey',
  setBudget: 'apiary.setBudget',
  openSettings: 'apiary.openLlmSettings',
} as const;
export type CostCommand = keyof typeof COST_COMMANDS;

/** Webview → extension. */
export type FromCostView = { type: 'ready' } | { type: 'command'; command: CostCommand };

export function isFromCostView(value: unknown): value is FromCostView {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as { type?: unknown; command?: unknown };
  if (m.type === 'ready') return true;
  return m.type === 'command' && typeof m.command === 'string' && Object.hasOwn(COST_COMMANDS, m.command);
}

export function isToCostView(value: unknown): value is ToCostView {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as { type?: unknown; state?: unknown };
  return m.type === 'state' && typeof m.state === 'object' && m.state !== null;
}
