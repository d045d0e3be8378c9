import assert from 'node:assert/strict';
import type { Agent, Reservation } from '../../../../shared/coordination';
import type { CellSummary } from '../../../../shared/hive';
import { agentRows, ago } from '../../../../extension/mcp/agentRows';

const NOW = Date.parse('2026-03-02T10:00:00.000Z');
const at = (secondsAgo: number) => new Date(NOW - secondsAgo * 1000).toISOString();

function agent(name: string, over: Partial<Agent> = {}): Agent {
  return { name, kind: 'mcp-client', program: 'claude-code', model: null, registeredAt: at(3600), lastSeen: at(10), active: true, ...over };
}

function reservation(holder: string, pattern: string, over: Partial<Reservation> = {}): Reservation {
  return { id: `r-${pattern}`, pattern, except: [], mode: 'exclusive', holder, reason: null, cell: null, createdAt: at(60), expiresAt: new Date(NOW + 600_000).toISOString(), idempotencyKey: null, ...over };
}

function cell(id: string, assignee: string | null, status: CellSummary['status'] = 'in_progress'): CellSummary {
  return { id, title: `Task ${id}`, type: 'task', status, priority: 2, parent: null, assignee, labels: [] } as unknown as CellSummary;
}

describe('the Agents section', () => {
  it('shows each agent with its client and last seen, and what it holds: claimed cells and live reservations', () => {
    const rows = agentRows(
      [agent('BlueLake'), agent('you', { kind: 'vscode-window', program: 'vscode', lastSeen: at(2) })],
      [reservation('BlueLake', 'src/auth/**', { cell: 'ap-1' }), reservation('BlueLake', 'old.ts', { expiresAt: at(1) })],
      [cell('ap-1', 'BlueLake'), cell('ap-2', 'BlueLake', 'closed'), cell('ap-3', 'you', 'open')],
      NOW,
    );
    assert.deepEqual(rows.map((r) => r.name), ['you', 'BlueLake'], 'most recently seen first');
    const blue = rows[1]!;
    assert.equal(blue.description, 'claude-code · 10 s ago · 1 reserved, 1 claimed');
    assert.deepEqual(blue.holdings.map((h) => [h.kind, h.label, h.description]), [
      ['cell', 'ap-1 Task ap-1', 'claimed'],
      ['reservation', 'src/auth/**', 'exclusive · cell ap-1'],
    ]);
    assert.match(blue.tooltip, /MCP client/);
    assert.equal(rows[0]!.description, 'vscode · just now', 'holds nothing: no summary');
  });

  it('leaves out inactive agents that hold nothing, and keeps inactive holders after the active ones', () => {
    const rows = agentRows(
      [agent('Gone', { active: false }), agent('Stale', { active: false, lastSeen: at(7200) }), agent('Here')],
      [reservation('Stale', 'a.ts')],
      [],
      NOW,
    );
    assert.deepEqual(rows.map((r) => [r.name, r.active]), [['Here', true], ['Stale', false]]);
    assert.match(rows[1]!.description, /inactive/);
  });

  it('says how long ago in words a person reads at a glance', () => {
    assert.equal(ago(at(1), NOW), 'just now');
    assert.equal(ago(at(42), NOW), '42 s ago');
    assert.equal(ago(at(300), NOW), '5 min ago');
    assert.equal(ago(at(3 * 3600), NOW), '3 h ago');
    assert.equal(ago(at(3 * 86400), NOW), '3 d ago');
  });
});
