// The Agents section's content, computed from the host's answers alone (no vscode import, so it
// is testable in plain Node): one row per agent (name, client, last seen) with what it holds —
// its reservations and the cells it has claimed — as children.
import type { Agent, Reservation } from '../../shared/coordination';
import type { CellSummary } from '../../shared/hive';

export interface HoldingRow {
  kind: 'reservation' | 'cell';
  label: string;
  description: string;
  /** The cell id, for cells. */
  cell?: string;
}

export interface AgentRow {
  name: string;
  label: string;
  /** "claude-code · 12 s ago" */
  description: string;
  tooltip: string;
  active: boolean;
  holdings: HoldingRow[];
}

const KIND_LABEL: Record<Agent['kind'], string> = {
  'vscode-window': 'VS Code window',
  'mcp-client': 'MCP client',
  'swarm-worker': 'swarm worker',
  human: 'human',
  cli: 'CLI',
};

/** "just now", "12 s ago", "4 min ago", "3 h ago", "2 d ago". */
export function ago(iso: string, now: number): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.floor(h / 24)} d ago`;
}

/**
 * Active agents first (the most recently seen first), then the inactive ones that still hold
 * something; inactive agents holding nothing are left out.
 */
export function agentRows(agents: readonly Agent[], reservations: readonly Reservation[], claimed: readonly CellSummary[], now: number): AgentRow[] {
  const rows: AgentRow[] = [];
  for (const a of agents) {
    const held = reservations.filter((r) => r.holder === a.name && Date.parse(r.expiresAt) > now);
    const cells = claimed.filter((c) => c.assignee === a.name && c.status === 'in_progress');
    if (!a.active && held.length === 0 && cells.length === 0) continue;
    const client = a.program ?? KIND_LABEL[a.kind];
    const holdings: HoldingRow[] = [
      ...cells.map((c) => ({ kind: 'cell' as const, label: `${c.id} ${c.title}`, description: 'claimed', cell: c.id })),
      ...held.map((r) => ({
        kind: 'reservation' as const,
        label: r.except.length ? `${r.pattern} (except ${r.except.join(', ')})` : r.pattern,
        description: [r.mode, r.cell ? `cell ${r.cell}` : ''].filter(Boolean).join(' · '),
      })),
    ];
    const summary = [held.length ? `${held.length} reserved` : '', cells.length ? `${cells.length} claimed` : ''].filter(Boolean).join(', ');
    rows.push({
      name: a.name,
      label: a.name,
      description: [client, a.active ? ago(a.lastSeen, now) : 'inactive', summary].filter(Boolean).join(' · '),
      tooltip: [
        `${a.name} (${KIND_LABEL[a.kind]})`,
        `Client: ${client}${a.model ? ` · model ${a.model}` : ''}`,
        `Last seen: ${new Date(a.lastSeen).toLocaleString()} (${ago(a.lastSeen, now)})`,
        `Holds: ${summary || 'nothing'}`,
      ].join('\n'),
      active: a.active,
      holdings,
    });
  }
  return rows.sort((x, y) => Number(y.active) - Number(x.active) || lastSeenOf(agents, y.name) - lastSeenOf(agents, x.name) || x.name.localeCompare(y.name));
}

function lastSeenOf(agents: readonly Agent[], name: string): number {
  const a = agents.find((x) => x.name === name);
  return a ? Date.parse(a.lastSeen) : 0;
}
