// How each host state looks in the status bar: text with a codicon, an accessible label that UI
// tests and screen readers read, and a markdown tooltip with the details a user asks for first.
import { formatDuration, uptimeAt, type HostState, type ReplayShown } from './hostState';

export interface StatusBarView {
  text: string;
  /** Starts with "Apiary: <state>", so it is both readable aloud and easy to find in the DOM. */
  label: string;
  tooltip: string;
  /** Draw with the error background. */
  error: boolean;
}

function escapeMarkdown(text: string): string {
  // Inside a table cell only these change the rendering.
  return text.replace(/([\\`*_[\]<>|])/g, '\\$1');
}

function row(name: string, value: string): string {
  return `| ${name} | ${escapeMarkdown(value)} |`;
}

function table(rows: string[]): string {
  return ['| | |', '|---|---|', ...rows].join('\n');
}

function secondsUntil(at: number, now: number): string {
  return formatDuration(Math.max(0, at - now) + 999);
}

const CLICK_HINT = '_Click for the full host status._';

const percent = (r: ReplayShown): string => `${Math.round(r.fraction * 100)}%`;

function replayRow(r: ReplayShown): string {
  return row('Replaying the log', `${percent(r)} (${r.events.toLocaleString('en-US')} events)`);
}

export function statusBarView(state: HostState, now: number): StatusBarView {
  switch (state.kind) {
    case 'starting': {
      const rows = [row('Workspace', state.workspace)];
      if (state.replay) rows.push(replayRow(state.replay));
      return {
        text: state.replay ? `$(sync~spin) Apiary ${percent(state.replay)}` : '$(sync~spin) Apiary',
        label: state.replay ? `Apiary: starting, replaying the log ${percent(state.replay)}` : 'Apiary: starting',
        tooltip: ['**Apiary agent host: starting**', table(rows), CLICK_HINT].join('\n\n'),
        error: false,
      };
    }
    case 'ready': {
      const s = state.status;
      const rows = [
        row('Workspace', s.workspace),
        row('Host pid', String(s.pid)),
        row('Store position', String(s.store.position)),
        row('Uptime', formatDuration(uptimeAt(state, now))),
        row('Clients', String(s.sessions.length)),
        row('Version', `${s.version} (protocol ${s.protocol})`),
      ];
      if (s.mcp) rows.push(row('MCP', s.mcp.url));
      const faulted = s.projections.filter((p) => p.faulted);
      const warn = faulted.length
        ? `\n\n$(warning) Faulted projections: ${faulted.map((p) => escapeMarkdown(`${p.name} (${p.faulted ?? ''})`)).join(', ')}`
        : '';
      return {
        text: '$(check) Apiary',
        label: `Apiary: ready, host pid ${s.pid}, store position ${s.store.position}`,
        tooltip: ['**Apiary agent host: ready**', table(rows) + warn, CLICK_HINT].join('\n\n'),
        error: false,
      };
    }
    case 'restarting':
      return {
        text: state.replay ? `$(sync~spin) Apiary ${percent(state.replay)}` : '$(sync~spin) Apiary',
        label: `Apiary: restarting (attempt ${state.attempt})${state.replay ? `, replaying the log ${percent(state.replay)}` : ''}`,
        tooltip: [
          '**Apiary agent host: restarting**',
          table([
            row('Workspace', state.workspace),
            row('Why', state.reason),
            // Once the host is replaying, the attempt is under way: its progress replaces the countdown.
            state.replay ? replayRow(state.replay) : row('Next attempt', `in ${secondsUntil(state.retryAt, now)} (attempt ${state.attempt})`),
          ]),
          CLICK_HINT,
        ].join('\n\n'),
        error: false,
      };
    case 'error': {
      const rows = [row('Error', state.message)];
      if (state.hint) rows.push(row('Hint', state.hint));
      if (state.workspace) rows.unshift(row('Workspace', state.workspace));
      if (state.retryAt !== undefined) rows.push(row('Next attempt', `in ${secondsUntil(state.retryAt, now)}`));
      return {
        text: '$(error) Apiary',
        label: `Apiary: error, ${state.message}`,
        tooltip: ['**Apiary agent host: error**', table(rows), CLICK_HINT].join('\n\n'),
        error: true,
      };
    }
  }
}
