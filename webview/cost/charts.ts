// The panel's two charts, hand-drawn in SVG: daily spend over 30 days, and a budget gauge.
// Colours come from the stylesheet (theme variables), so they follow light, dark and high contrast.
import { el, svg } from './dom';
import { shortDay, usd, type Bar, type Gauge } from './model';

const BAR_W = 8;
const GAP = 2;
const HEIGHT = 56;

export function dailyChart(bars: Bar[]): HTMLElement {
  const width = bars.length * (BAR_W + GAP) - GAP;
  const chart = svg('svg', { class: 'daily-chart', viewBox: `0 0 ${width} ${HEIGHT}`, preserveAspectRatio: 'none', role: 'img', 'aria-label': 'Spend per day, last 30 days' });
  chart.appendChild(svg('line', { class: 'baseline', x1: 0, x2: width, y1: HEIGHT - 0.5, y2: HEIGHT - 0.5 }));
  bars.forEach((b, i) => {
    // A day with any spend stays visible next to a very expensive one.
    const h = b.micros > 0 ? Math.max(2, Math.round(b.height * (HEIGHT - 2))) : 0;
    const rect = svg('rect', { class: `bar${b.today ? ' today' : ''}`, x: i * (BAR_W + GAP), y: HEIGHT - h, width: BAR_W, height: h, rx: 1 });
    rect.appendChild(svg('title', {}, b.label));
    chart.appendChild(rect);
    // An invisible full-height target, so empty days still show their tooltip.
    const hit = svg('rect', { class: 'hit', x: i * (BAR_W + GAP), y: 0, width: BAR_W + GAP, height: HEIGHT });
    hit.appendChild(svg('title', {}, b.label));
    chart.appendChild(hit);
  });
  const max = Math.max(0, ...bars.map((b) => b.micros));
  return el(
    'figure',
    { class: 'daily' },
    el('div', { class: 'chart-max' }, max > 0 ? `max ${usd(max)}/day` : 'no spend yet'),
    chart,
    el('figcaption', { class: 'chart-axis' }, el('span', {}, bars[0] ? shortDay(bars[0].day) : ''), el('span', {}, 'today')),
  );
}

export function gaugeBar(g: Gauge): SVGSVGElement {
  const bar = svg('svg', { class: `gauge-bar level-${g.level}`, viewBox: '0 0 100 6', preserveAspectRatio: 'none', role: 'meter', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': Math.round((g.spent + g.reserved) * 100), 'aria-label': `${g.title}: ${g.used}` });
  bar.appendChild(svg('rect', { class: 'track', x: 0, y: 0, width: 100, height: 6, rx: 3 }));
  if (g.spent > 0) bar.appendChild(svg('rect', { class: 'spent', x: 0, y: 0, width: Math.max(1, g.spent * 100), height: 6, rx: 3 }));
  if (g.reserved > 0) bar.appendChild(svg('rect', { class: 'reserved', x: g.spent * 100, y: 0, width: Math.max(1, g.reserved * 100), height: 6 }));
  return bar;
}

/** A thin share bar behind a breakdown row. */
export function shareBar(share: number): SVGSVGElement {
  const bar = svg('svg', { class: 'share-bar', viewBox: '0 0 100 3', preserveAspectRatio: 'none', 'aria-hidden': 'true' });
  bar.appendChild(svg('rect', { class: 'share', x: 0, y: 0, width: Math.max(share > 0 ? 1 : 0, share * 100), height: 3, rx: 1.5 }));
  return bar;
}
