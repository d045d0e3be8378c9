// The Learning view's SVG: the router's tier mix per task kind (a stacked bar) and mean reward
// per tier over days (one line per tier). Colours come from the stylesheet's theme variables.
import type { RouterDay, TierStat } from '../../shared/learning';
import { el, svg } from '../cost/dom';

const TIERS = ['small', 'medium', 'large'] as const;

export function mixBar(kind: string, tiers: TierStat[]): HTMLElement {
  const total = tiers.reduce((n, t) => n + t.pulls, 0);
  const bar = svg('svg', { class: 'mix-bar', viewBox: '0 0 100 8', preserveAspectRatio: 'none', role: 'img', 'aria-label': `${kind}: ${tiers.map((t) => `${t.tier} ${t.pulls}`).join(', ')}` });
  let x = 0;
  for (const t of tiers) {
    if (!total || !t.pulls) continue;
    const w = (t.pulls / total) * 100;
    const r = svg('rect', { class: `tier-${t.tier}`, x, y: 0, width: w, height: 8 });
    r.appendChild(svg('title', {}, `${t.tier}: ${t.pulls} task${t.pulls === 1 ? '' : 's'}, ${Math.round(t.successRate * 100)}% passed, mean reward ${t.meanReward.toFixed(2)}`));
    bar.appendChild(r);
    x += w;
  }
  return el('div', { class: 'mix', 'data-kind': kind }, el('div', { class: 'mix-head' }, el('span', {}, kind), el('span', { class: 'muted' }, `${total} task${total === 1 ? '' : 's'}`)), bar);
}

const W = 200;
const H = 60;

export function rewardChart(history: RouterDay[]): HTMLElement {
  const days = [...new Set(history.map((d) => d.day))].sort();
  const chart = svg('svg', { class: 'reward-chart', viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: 'none', role: 'img', 'aria-label': 'Mean reward per tier by day' });
  chart.appendChild(svg('line', { class: 'baseline', x1: 0, x2: W, y1: H - 0.5, y2: H - 0.5 }));
  const xOf = (i: number) => (days.length <= 1 ? W / 2 : (i / (days.length - 1)) * W);
  for (const tier of TIERS) {
    const points = history.filter((d) => d.tier === tier).map((d) => ({ x: xOf(days.indexOf(d.day)), y: H - 2 - d.meanReward * (H - 4), d }));
    if (!points.length) continue;
    if (points.length > 1) chart.appendChild(svg('polyline', { class: `line tier-${tier}`, points: points.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' '), fill: 'none' }));
    for (const p of points) {
      const dot = svg('circle', { class: `dot tier-${tier}`, cx: p.x, cy: p.y, r: 2 });
      dot.appendChild(svg('title', {}, `${p.d.day} ${tier}: ${p.d.pulls} task${p.d.pulls === 1 ? '' : 's'}, mean reward ${p.d.meanReward.toFixed(2)}`));
      chart.appendChild(dot);
    }
  }
  return el(
    'figure',
    { class: 'reward' },
    chart,
    // One day of history is one date, not the same date at both ends of the axis.
    el('figcaption', { class: 'chart-axis' }, el('span', {}, days[0] ?? ''), el('span', { class: 'legend' }, ...TIERS.map((t) => el('span', { class: `key tier-${t}` }, t))), days.length > 1 ? el('span', {}, days[days.length - 1]!) : null),
  );
}
