/** "1 event", "3 events", "1,000,000 events": counts in words that agree with the number (CLI and window alike). */
export function counted(n: number, noun: string, plural = `${noun}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? noun : plural}`;
}
