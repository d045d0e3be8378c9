// "Apiary: Show Agent Trust…": each agent's trust, and a reset.
import * as vscode from 'vscode';
import { ApprovalTrustRequest, ApprovalTrustResetRequest, type TrustState } from '../../shared/approvals';
import type { HostClient } from '../client';
import { counted } from '../../shared/counted';

export async function showAgentTrust(client: HostClient): Promise<void> {
  const r = await client.request(ApprovalTrustRequest, {});
  if (r.trust.length === 0) {
    void vscode.window.showInformationMessage('No agent has a trust record yet: every agent starts fully trusted (1.00).');
    return;
  }
  type Item = vscode.QuickPickItem & { trust: TrustState };
  const items: Item[] = r.trust.map((t) => ({
    label: `${t.restricted ? '$(warning)' : '$(verified)'} ${t.agent}`,
    description: `trust ${t.score.toFixed(2)}`,
    detail: `${counted(t.successes, 'success', 'successes')}, ${counted(t.failures, 'failure')}${t.restricted ? ` — below ${r.minTrust.toFixed(2)}: risky requests always ask a human` : ''}`,
    trust: t,
    buttons: [{ iconPath: new vscode.ThemeIcon('debug-restart'), tooltip: 'Reset trust' }],
  }));
  const pick = vscode.window.createQuickPick<Item>();
  pick.title = 'Agent trust';
  pick.placeholder = 'Pick an agent to reset its trust to 1.00';
  pick.items = items;
  const reset = async (t: TrustState): Promise<void> => {
    pick.hide();
    const ok = await vscode.window.showWarningMessage(`Reset ${t.agent}'s trust from ${t.score.toFixed(2)} to 1.00?`, { modal: true }, 'Reset');
    if (ok !== 'Reset') return;
    const after = await client.request(ApprovalTrustResetRequest, { agent: t.agent });
    void vscode.window.showInformationMessage(`${t.agent}'s trust is ${after.trust.score.toFixed(2)} again.`);
  };
  pick.onDidTriggerItemButton((e) => void reset(e.item.trust));
  pick.onDidAccept(() => {
    const t = pick.selectedItems[0]?.trust;
    if (t) void reset(t);
  });
  pick.onDidHide(() => pick.dispose());
  pick.show();
}
