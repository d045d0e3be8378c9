// What the window shows about reservations, computed from the host's answers alone (no vscode
// import, so it is testable in plain Node): explorer badges and tooltips, the hover text, the
// tree grouped by agent with expiry countdowns.
import type { PathCheck, Reservation } from '../../shared/coordination';

export type Holding = PathCheck['holders'][number];

/** `other`: another agent holds it exclusively (editing it steps on them). `shared`: others read it. */
export type DecorationKind = 'mine' | 'other' | 'shared';

export interface DecorationView {
  kind: DecorationKind;
  /** At most two characters (VS Code's limit). */
  badge: string;
  tooltip: string;
}

/** "BL" for BlueLake, "SW" for swarm-7, "Y" for you. */
export function initials(name: string): string {
  const capitals = name.match(/[A-Z]/g) ?? [];
  if (capitals.length >= 2) return capitals.slice(0, 2).join('');
  const words = name.split(/[-_\s]+/).filter((w) => w);
  if (words.length >= 2) return (words[0]![0]! + words[1]![0]!).toUpperCase();
  return name.slice(0, 1).toUpperCase();
}

/** "42 min left", "3 h left", "expired". */
export function countdown(expiresAt: string, now: number): string {
  const ms = Date.parse(expiresAt) - now;
  if (ms <= 0) return 'expired';
  const s = Math.round(ms / 1000);
  if (s < 90) return `${s} s left`;
  const m = Math.round(s / 60);
  if (m < 90) return `${m} min left`;
  return `${Math.round(m / 60)} h left`;
}

/** The facts about one reservation without its holder: "exclusive · cell hv-12 · "refactor" · 42 min left (until 10:32)". */
export function holdingFacts(h: Pick<Holding, 'mode' | 'cell' | 'reason' | 'expiresAt'>, now: number): string {
  const parts: string[] = [h.mode];
  if (h.cell) parts.push(`cell ${h.cell}`);
  if (h.reason) parts.push(`"${h.reason}"`);
  parts.push(`${countdown(h.expiresAt, now)} (until ${clock(h.expiresAt)})`);
  return parts.join(' · ');
}

/** The same with the holder first: "BlueLake · exclusive · …". */
export function describeHolding(h: Pick<Holding, 'holder' | 'mode' | 'cell' | 'reason' | 'expiresAt'>, now: number, me?: string): string {
  const who = me !== undefined && h.holder === me ? `${h.holder} (you)` : h.holder;
  return `${who} · ${holdingFacts(h, now)}`;
}

/** "10:32" in the window's local time. */
export function clock(isoTime: string): string {
  const d = new Date(isoTime);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/** The strongest claim on the path decides the look: someone else's exclusive, then mine, then shared. */
export function decorationFor(check: PathCheck, now: number): DecorationView | undefined {
  const live = check.holders.filter((h) => Date.parse(h.expiresAt) > now);
  if (live.length === 0) return undefined;
  const blocking = live.filter((h) => !h.mine && h.mode === 'exclusive');
  const mine = live.filter((h) => h.mine);
  const lines = live.map((h) => `${h.pattern}: ${describeHolding(h, now)}`);
  if (blocking.length > 0) {
    const first = blocking[0]!;
    return { kind: 'other', badge: initials(first.holder), tooltip: `Reserved by ${[...new Set(blocking.map((h) => h.holder))].join(', ')}\n${lines.join('\n')}` };
  }
  if (mine.length > 0) return { kind: 'mine', badge: '✓', tooltip: `Reserved by you\n${lines.join('\n')}` };
  return { kind: 'shared', badge: initials(live[0]!.holder), tooltip: `Shared (read) by ${[...new Set(live.map((h) => h.holder))].join(', ')}\n${lines.join('\n')}` };
}

/** Command link in hover markdown: `command:ID?<encoded JSON args>`. */
export function commandLink(title: string, command: string, args: unknown[]): string {
  return `[${title}](command:${command}?${encodeURIComponent(JSON.stringify(args))})`;
}

export interface HoverCommands {
  requestRelease: string;
  openCell: string;
  override: string;
}

/** Markdown for the hover on the first line of a reserved file: one block per holder, actions last. */
export function hoverMarkdown(check: PathCheck, now: number, commands: HoverCommands): string | undefined {
  const live = check.holders.filter((h) => Date.parse(h.expiresAt) > now);
  if (live.length === 0) return undefined;
  const blocks = live.map((h) => {
    const who = h.mine ? `**You** (${h.holder}) hold it` : `**${h.holder}** holds it`;
    const head = `${who} ${h.mode === 'exclusive' ? 'exclusively' : 'shared'}${h.reason ? ` — “${h.reason}”` : ''}`;
    const facts = [`\`${h.pattern}\``];
    if (h.cell) facts.push(`cell \`${h.cell}\``);
    facts.push(`${countdown(h.expiresAt, now)} (until ${clock(h.expiresAt)})`);
    const actions: string[] = [];
    if (!h.mine) actions.push(commandLink('Request release', commands.requestRelease, [{ holder: h.holder, pattern: h.pattern, path: check.path }]));
    if (!h.mine && h.mode === 'exclusive') actions.push(commandLink('Override', commands.override, [{ path: check.path }]));
    if (h.cell) actions.push(commandLink('Open cell', commands.openCell, [h.cell]));
    // Two trailing spaces: a line break inside the paragraph.
    return [`${head}  `, `${facts.join(' · ')}${actions.length ? '  ' : ''}`, ...(actions.length ? [actions.join(' · ')] : [])].join('\n');
  });
  return [`**Apiary reservation${live.length > 1 ? 's' : ''}** on \`${check.path}\``, ...blocks].join('\n\n');
}

export interface HolderGroup {
  holder: string;
  mine: boolean;
  reservations: Reservation[];
}

/** Reservations by agent: mine first, then by name; each group's oldest first. */
export function groupByHolder(reservations: readonly Reservation[], me: string | undefined, now: number): HolderGroup[] {
  const groups = new Map<string, Reservation[]>();
  for (const r of reservations) {
    if (Date.parse(r.expiresAt) <= now) continue;
    const list = groups.get(r.holder) ?? [];
    list.push(r);
    groups.set(r.holder, list);
  }
  return [...groups]
    .map(([holder, list]) => ({ holder, mine: holder === me, reservations: list }))
    .sort((a, b) => (a.mine !== b.mine ? (a.mine ? -1 : 1) : a.holder.localeCompare(b.holder)));
}

/** Tree row description of a reservation: "42 min left · hv-12" (the icon tells exclusive from shared; the side bar is narrow). */
export function reservationDescription(r: Reservation, now: number): string {
  const parts: string[] = [...(r.mode === 'shared' ? ['shared'] : []), countdown(r.expiresAt, now)];
  if (r.cell) parts.push(r.cell);
  return parts.join(' · ');
}
