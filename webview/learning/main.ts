// The Learning view: what the swarm has learned, from the host's read models — patterns by
// maturity, anti-patterns, the router's tier mix and reward over time, agents' trust. It renders
// what the extension posts and turns its two buttons into commands.
import './learning.css';
import type { LearningReport, Maturity, PatternView } from '../../shared/learning';
import { el, icon } from '../cost/dom';
import { mixBar, rewardChart } from './charts';
import { isToLearningView, type FromLearningView, type LearningCommand, type LearningPanelState } from './messages';

interface VsCodeApi {
  postMessage(message: FromLearningView): void;
  getState(): unknown;
  setState(state: LearningPanelState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const root = document.getElementById('root')!;

const MATURITY: Array<{ m: Maturity; label: string; icon: string }> = [
  { m: 'proven', label: 'Proven', icon: 'verified' },
  { m: 'established', label: 'Established', icon: 'pass' },
  { m: 'candidate', label: 'Candidates', icon: 'beaker' },
];

function button(label: string, command: LearningCommand, iconName: string): HTMLButtonElement {
  const b = el('button', { type: 'button', class: 'secondary', 'data-command': command }, icon(iconName), el('span', {}, label));
  b.addEventListener('click', () => vscode.postMessage({ type: 'command', command }));
  return b;
}

function section(title: string, id: string, ...children: Array<Node | null | false>): HTMLElement {
  return el('section', { id }, el('h2', {}, title), ...children);
}

function patternRow(p: PatternView): HTMLElement {
  return el('li', { class: 'pattern', 'data-maturity': p.maturity }, el('span', { class: 'pattern-text' }, p.pattern), el('span', { class: 'muted small' }, `${p.observations} seen · ${Math.round((1 - p.failureRate) * 100)}% helpful`));
}

function patterns(r: LearningReport): HTMLElement {
  const groups: HTMLElement[] = [];
  for (const { m, label, icon: ic } of MATURITY) {
    const items = r.patterns.filter((p) => p.maturity === m);
    if (items.length) groups.push(el('div', { class: `maturity maturity-${m}` }, el('h3', {}, icon(ic), el('span', {}, `${label} (${items.length})`)), el('ul', {}, ...items.slice(0, 12).map(patternRow))));
  }
  return section('Patterns', 'patterns', groups.length ? el('div', {}, ...groups) : el('p', { class: 'muted' }, 'No patterns reported yet. Agents report them with swarm_record_outcome.'));
}

function antiPatterns(r: LearningReport): HTMLElement {
  if (!r.antiPatterns.length) return section('Anti-patterns', 'anti-patterns', el('p', { class: 'muted' }, 'Nothing to avoid yet.'));
  return section('Anti-patterns', 'anti-patterns', el('ul', {}, ...r.antiPatterns.map((a) => el('li', { class: 'anti' }, icon('warning'), el('span', {}, a.pattern), el('span', { class: 'rate' }, `${Math.round(a.failureRate * 100)}% failed of ${a.observations}`)))));
}

function router(r: LearningReport): HTMLElement {
  if (!r.router.kinds.length) return section('Model routing', 'router', el('p', { class: 'muted' }, 'No outcomes yet: tiers are chosen by the starting rules.'));
  return section('Model routing', 'router', ...r.router.kinds.map((k) => mixBar(k.kind, k.tiers)), el('h3', {}, el('span', {}, 'Mean reward per tier')), rewardChart(r.router.history));
}

function trust(r: LearningReport): HTMLElement | null {
  if (!r.trust) return null;
  if (!r.trust.length) return section('Agent trust', 'trust', el('p', { class: 'muted' }, 'No agent has a track record yet.'));
  return section('Agent trust', 'trust', el('ul', {}, ...r.trust.map((t) => el('li', { class: 'trust' }, el('span', {}, t.agent), el('span', { class: t.trust < 0.5 ? 'rate' : 'muted' }, `${Math.round(t.trust * 100)}%`)))));
}

function render(state: LearningPanelState): void {
  root.replaceChildren();
  root.setAttribute('aria-busy', state.report ? 'false' : 'true');
  const actions = el('div', { class: 'actions' }, button('Remember…', 'remember', 'add'), button('Search memory…', 'searchMemory', 'search'));
  if (state.connection !== 'ready' && !state.report) {
    root.append(el('p', { class: 'muted' }, state.connection === 'error' ? 'The agent host is not running.' : 'Connecting to the agent host…'));
    return;
  }
  if (state.error) root.append(el('div', { class: 'notice error', role: 'alert' }, icon('error'), el('p', {}, state.error)));
  const r = state.report;
  if (!r) return;
  root.append(
    el('section', { class: 'summary' }, el('p', {}, `${r.outcomes} outcome${r.outcomes === 1 ? '' : 's'} learned from`, r.reviewModel.trained ? ' · review prediction on' : ` · review prediction after 50 labelled (${r.reviewModel.samples})`), actions),
    patterns(r),
    antiPatterns(r),
    router(r),
  );
  const t = trust(r);
  if (t) root.append(t);
}

window.addEventListener('message', (e: MessageEvent<unknown>) => {
  if (!isToLearningView(e.data)) return;
  vscode.setState(e.data.state);
  render(e.data.state);
});
// Shown again after being hidden (the page was unloaded): draw the last figures until fresh ones come.
const saved = vscode.getState();
if (saved && typeof saved === 'object' && 'connection' in saved) render(saved as LearningPanelState);
vscode.postMessage({ type: 'ready' });
