// The cost panel: renders the state the extension posts (no polling — the extension re-posts
// when the host announces a change) and turns button clicks into commands.
import './cost.css';
import { dailyChart, gaugeBar, shareBar } from './charts';
import { el, icon } from './dom';
import { isToCostView, type CostCommand, type CostPanelState, type FromCostView } from './messages';
import { dailyBars, gauge, percent, plural, rows, saving, usd, type Row } from './model';
import type { BreakerStatus, CostReport, LlmConfigState } from '../../shared/llm';

interface VsCodeApi {
  postMessage(message: FromCostView): void;
  getState(): unknown;
  setState(state: CostPanelState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const root = document.getElementById('root')!;

function button(label: string, command: CostCommand, iconName: string, primary = false): HTMLButtonElement {
  const b = el('button', { type: 'button', class: primary ? 'primary' : 'secondary', 'data-command': command }, icon(iconName), el('span', {}, label));
  b.addEventListener('click', () => vscode.postMessage({ type: 'command', command }));
  return b;
}

function section(title: string, ...children: Array<Node | null | false>): HTMLElement {
  return el('section', {}, el('h2', {}, title), ...children);
}

function notice(kind: 'info' | 'warning' | 'error', text: string, ...actions: Node[]): HTMLElement {
  const iconName = kind === 'error' ? 'error' : kind === 'warning' ? 'warning' : 'info';
  return el('div', { class: `notice ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, icon(iconName), el('div', { class: 'notice-body' }, el('p', {}, text), actions.length ? el('div', { class: 'actions' }, ...actions) : null));
}

function stats(r: CostReport): HTMLElement {
  const tile = (label: string, micros: number, id: string) => el('div', { class: 'stat', id }, el('div', { class: 'stat-value' }, usd(micros)), el('div', { class: 'stat-label' }, label));
  return el('section', { class: 'stats', 'aria-label': 'Spend' }, tile('Today', r.spend.todayMicros, 'spend-today'), tile('7 days', r.spend.last7dMicros, 'spend-7d'), tile('30 days', r.spend.last30dMicros, 'spend-30d'));
}

function daily(r: CostReport): HTMLElement {
  return section(
    'Daily spend',
    dailyChart(dailyBars(r)),
    el('p', { class: 'muted' }, `This month ${usd(r.spend.monthMicros)} · projected ${usd(r.spend.projectedMonthMicros)}`),
  );
}

function budgets(r: CostReport): HTMLElement {
  const head = el('div', { class: 'section-head' }, el('h2', {}, 'Budgets'), button('Set', 'setBudget', 'edit'));
  if (r.budgets.length === 0) return el('section', { class: 'budgets' }, head, el('p', { class: 'muted' }, 'No caps set: calls are not limited.'));
  const items = r.budgets.map((b) => {
    const g = gauge(b);
    return el(
      'div',
      { class: `gauge level-${g.level}`, 'data-scope': b.scope },
      el('div', { class: 'gauge-head' }, el('span', { class: 'gauge-title' }, g.title), el('span', { class: 'muted' }, g.detail)),
      gaugeBar(g),
      el('div', { class: 'gauge-foot' }, el('span', { class: 'gauge-used' }, g.used), el('span', { class: 'gauge-left' }, g.left)),
      g.reservedText ? el('div', { class: 'muted small' }, g.reservedText) : null,
    );
  });
  return el('section', { class: 'budgets' }, head, ...items);
}

function routing(r: CostReport): HTMLElement | null {
  const s = saving(r);
  if (!s) return null;
  return section('Routing', el('p', { class: 'saving' }, icon(r.counterfactual.savingMicros > 0 ? 'arrow-down' : 'dash'), el('strong', {}, s.text)), el('p', { class: 'muted' }, s.detail));
}

function cache(r: CostReport): HTMLElement {
  const c = r.cache;
  return section(
    'Prompt cache',
    el('p', {}, el('strong', { id: 'cache-hit-rate' }, percent(c.hitRate)), ' of prompt tokens read from cache'),
    el('p', { class: 'muted' }, `${percent(c.callHitRate)} of calls hit · ${c.readTokens.toLocaleString('en-US')} read, ${c.writeTokens.toLocaleString('en-US')} written`),
  );
}

function breakerLine(b: BreakerStatus): HTMLElement {
  const when = b.retryAt ? ` until ${new Date(b.retryAt).toLocaleTimeString()}` : '';
  return el('li', { class: `breaker ${b.state}` }, icon(b.state === 'open' ? 'circle-slash' : 'debug-restart'), el('span', { class: 'mono' }, b.model), el('span', { class: 'muted' }, ` ${b.state}${when} · ${b.consecutiveFailures} failures`));
}

function breakers(r: CostReport): HTMLElement {
  if (r.breakers.length === 0) return section('Models', el('p', { class: 'healthy' }, icon('pass'), 'Every model healthy'));
  return section('Models', el('ul', { class: 'breakers' }, ...r.breakers.map(breakerLine)));
}

function table(title: string, list: Row[], open: boolean): HTMLElement | null {
  if (list.length === 0) return null;
  const details = el(
    'details',
    { class: 'breakdown' },
    el('summary', {}, title),
    el(
      'ul',
      {},
      ...list.map((row) =>
        el('li', {}, el('div', { class: 'row' }, el('span', { class: 'row-key', title: row.key }, row.key), el('span', { class: 'row-cost' }, row.cost)), shareBar(row.share), el('div', { class: 'muted small' }, `${row.calls} · ${row.tokens}`)),
      ),
    ),
  );
  if (open) details.setAttribute('open', '');
  return details;
}

function footer(r: CostReport | undefined, config: LlmConfigState | undefined): HTMLElement {
  const key = config ? (config.apiKey === 'client' ? 'from VS Code' : config.apiKey === 'environment' ? 'from ANTHROPIC_API_KEY' : 'not set') : 'unknown';
  return el(
    'footer',
    {},
    r ? el('p', {}, `Prices as of ${r.prices.asOf} · ${plural(r.calls.settled30d, 'call')}, ${r.calls.failed30d} failed in 30 days${r.calls.inFlight ? ` · ${r.calls.inFlight} in flight` : ''}`) : null,
    el('p', {}, `API key ${key}${config?.baseUrl ? ` · ${config.baseUrl}` : ''}`),
    el('div', { class: 'actions' }, button('API key', 'setApiKey', 'key'), button('Settings', 'openSettings', 'settings-gear')),
  );
}

function render(state: CostPanelState): void {
  const parts: Array<Node | null> = [];
  if (state.connection !== 'ready') {
    const stale = state.report ? ' The figures below may be out of date.' : '';
    parts.push(notice('info', `${state.connection === 'error' ? 'The agent host is not connected.' : 'Connecting to the agent host…'}${stale}`));
  } else if (state.error) {
    parts.push(notice('error', state.error));
  }
  if (state.config?.apiKey === 'none') {
    parts.push(notice('warning', 'No Anthropic API key: model calls are refused until one is set.', button('Set API Key', 'setApiKey', 'key', true)));
  }
  const r = state.report;
  if (r) {
    parts.push(stats(r), daily(r), budgets(r), routing(r), breakers(r), cache(r));
    parts.push(table('By model', rows(r.byModel), true), table('By agent', rows(r.byAgent), false), table('By epic', rows(r.byEpic), false));
  }
  parts.push(footer(r, state.config));
  root.replaceChildren(...parts.filter((p): p is Node => p !== null));
  root.setAttribute('aria-busy', 'false');
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (!isToCostView(event.data)) return;
  vscode.setState(event.data.state);
  render(event.data.state);
});

const saved = vscode.getState() as CostPanelState | undefined;
if (saved && typeof saved === 'object' && 'connection' in saved) render(saved);
vscode.postMessage({ type: 'ready' });
