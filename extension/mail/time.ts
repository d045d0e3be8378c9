// "3 min ago", "2 h ago", "just now": times in lists people skim.
export function relative(isoTime: string, now: number): string {
  const s = Math.round((now - Date.parse(isoTime)) / 1000);
  if (s < 30) return 'just now';
  if (s < 90) return `${s} s ago`;
  const m = Math.round(s / 60);
  if (m < 90) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 36) return `${h} h ago`;
  return `${Math.round(h / 24)} d ago`;
}
