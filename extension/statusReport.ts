// The "Apiary: Show Host Status" document: everything the host reports about itself, readable
// first (a summary and tables), with the raw JSON at the end for bug reports.
import type { HostStatus } from '../shared/protocol';
import { formatDuration, type HostState } from './hostState';

export interface StatusReportInput {
  state: HostState;
  /** A fresh apiary/status answer, when the host could be asked. */
  status?: HostStatus;
  /** Why the host could not be asked, when it could not. */
  statusError?: string;
  activationMs: number;
  extensionVersion: string;
  now: number;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function renderStatusReport(input: StatusReportInput): string {
  const { state, status } = input;
  const lines: string[] = ['# Apiary agent host', ''];
  lines.push(`**Connection:** ${state.kind}`);
  if (state.kind === 'restarting') lines.push('', `Restarting after: ${state.reason} (attempt ${state.attempt}).`);
  if (state.kind === 'error') {
    lines.push('', `**Error:** ${state.message}`);
    if (state.hint) lines.push('', `**Hint:** ${state.hint}`);
  }
  if (input.statusError) lines.push('', `Could not read the host status: ${input.statusError}`);
  lines.push('', `Extension ${input.extensionVersion}, activated in ${input.activationMs} ms.`);

  if (status) {
    lines.push('', '## Host', '', '| | |', '|---|---|');
    const rows: Array<[string, string]> = [
      ['Workspace', status.workspace],
      ['Pid', String(status.pid)],
      ['Version', `${status.version} (protocol ${status.protocol})`],
      ['Started', status.startedAt],
      ['Uptime', formatDuration(status.uptimeMs)],
      ['Socket', status.socket],
    ];
    if (status.mcp) rows.push(['MCP endpoint', status.mcp.url]);
    for (const [k, v] of rows) lines.push(`| ${k} | ${cell(v)} |`);

    const st = status.store;
    lines.push('', '## Store', '', '| | |', '|---|---|');
    for (const [k, v] of [
      ['Position', st.position],
      ['Streams', st.streams],
      ['Segments', st.segments],
      ['Bytes', st.bytes],
      ['Snapshot at', st.snapshotPosition],
      ['Head hash', st.headHash],
    ] as Array<[string, string | number]>) {
      lines.push(`| ${k} | ${cell(String(v))} |`);
    }

    lines.push('', '## Projections', '');
    if (status.projections.length) {
      lines.push('| Name | Version | Position | Health |', '|---|---|---|---|');
      for (const p of status.projections) {
        lines.push(`| ${cell(p.name)} | ${p.version} | ${p.position} | ${p.faulted ? cell(`faulted: ${p.faulted}`) : 'ok'} |`);
      }
    } else {
      lines.push('None.');
    }

    lines.push('', '## Connected clients', '');
    if (status.sessions.length) {
      lines.push('| Name | Kind | Since | Session |', '|---|---|---|---|');
      for (const s of status.sessions) lines.push(`| ${cell(s.name)} | ${cell(s.kind)} | ${cell(s.since)} | ${cell(s.id)} |`);
    } else {
      lines.push('None.');
    }

    lines.push('', '## Raw status', '', '```json', JSON.stringify(status, null, 2), '```');
  }
  lines.push('', `_Generated ${new Date(input.now).toISOString()}._`, '');
  return lines.join('\n');
}
