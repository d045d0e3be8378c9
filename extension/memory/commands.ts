// "Apiary: Remember…" (store a memory, the selection offered as its text) and "Apiary: Search
// Memory…" (a quick pick that searches the host as you type; picking a result offers to copy,
// validate or forget it).
import * as vscode from 'vscode';
import { MemoryFindRequest, MemoryForgetRequest, MemoryStoreRequest, MemoryValidateRequest, type MemoryHit } from '../../shared/memory';
import type { HostClient } from '../client';

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export async function remember(client: HostClient): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  const selected = editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection).trim() : '';
  const text = await vscode.window.showInputBox({
    title: 'Apiary: Remember',
    prompt: 'One fact or lesson the next agent should know about this repository',
    value: selected.slice(0, 4000),
    validateInput: (v) => (v.trim().length < 3 ? 'Write at least a few words.' : undefined),
  });
  if (text === undefined) return;
  const tagText = await vscode.window.showInputBox({ title: 'Apiary: Remember — tags', prompt: 'Tags, comma-separated (optional)', placeHolder: 'testing, ci' });
  if (tagText === undefined) return;
  const tags = tagText.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean);
  try {
    const r = await client.request(MemoryStoreRequest, { text: text.trim(), tags, confidence: 0.9 });
    const verb = r.action === 'added' ? 'Remembered' : r.action === 'updated' ? 'Updated a similar memory' : 'Already remembered';
    void vscode.window.showInformationMessage(`${verb}: ${r.memory.text}`);
  } catch (err) {
    void vscode.window.showErrorMessage(`Could not store the memory: ${message(err)}`);
  }
}

interface HitItem extends vscode.QuickPickItem {
  hit: MemoryHit;
}

export async function searchMemory(client: HostClient): Promise<void> {
  const pick = vscode.window.createQuickPick<HitItem>();
  pick.title = 'Apiary: Search Memory';
  pick.placeholder = 'Ask in your own words, e.g. "how do I run the tests"';
  pick.matchOnDescription = true;
  pick.matchOnDetail = true;
  let seq = 0;
  let timer: NodeJS.Timeout | undefined;
  const search = (query: string) => {
    if (timer) clearTimeout(timer);
    if (!query.trim()) {
      pick.items = [];
      return;
    }
    timer = setTimeout(async () => {
      const mine = ++seq;
      pick.busy = true;
      try {
        const r = await client.request(MemoryFindRequest, { query, limit: 20 });
        if (mine !== seq) return;
        // Keep the host's order: the quick pick must not re-filter by its own fuzzy match.
        pick.items = r.hits.map((hit) => ({
          label: hit.memory.text,
          description: hit.memory.tags.join(', '),
          detail: `${hit.memory.origin.agent} · confidence ${hit.memory.confidence} · validated ${hit.memory.validatedAt.slice(0, 10)}`,
          alwaysShow: true,
          hit,
        }));
        if (!r.hits.length) pick.items = [];
      } catch (err) {
        pick.items = [];
        void vscode.window.showErrorMessage(`Memory search failed: ${message(err)}`);
      } finally {
        if (mine === seq) pick.busy = false;
      }
    }, 150);
  };
  pick.onDidChangeValue(search);
  const chosen = await new Promise<HitItem | undefined>((resolve) => {
    pick.onDidAccept(() => resolve(pick.selectedItems[0]));
    pick.onDidHide(() => resolve(undefined));
    pick.show();
  });
  pick.dispose();
  if (!chosen) return;
  const m = chosen.hit.memory;
  const action = await vscode.window.showInformationMessage(m.text, 'Copy', 'Still true', 'Forget');
  try {
    if (action === 'Copy') await vscode.env.clipboard.writeText(m.text);
    else if (action === 'Still true') await client.request(MemoryValidateRequest, { id: m.id });
    else if (action === 'Forget') await client.request(MemoryForgetRequest, { id: m.id });
  } catch (err) {
    void vscode.window.showErrorMessage(`Could not update the memory: ${message(err)}`);
  }
}
