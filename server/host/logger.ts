import type { LogLevel, LogLine } from '../../shared/protocol';

const RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

export function levelAllows(threshold: LogLevel, level: LogLevel): boolean {
  return RANK[level] <= RANK[threshold];
}

/** Host log: written to its sink (stderr or host.log) and fanned out to sessions that asked. */
export class Logger {
  private readonly taps = new Set<(line: LogLine) => void>();

  constructor(
    private readonly sink: (text: string) => void,
    private readonly level: LogLevel = 'info',
  ) {}

  tap(listener: (line: LogLine) => void): () => void {
    this.taps.add(listener);
    return () => this.taps.delete(listener);
  }

  error(message: string): void {
    this.write('error', message);
  }
  warn(message: string): void {
    this.write('warn', message);
  }
  info(message: string): void {
    this.write('info', message);
  }
  debug(message: string): void {
    this.write('debug', message);
  }

  private write(level: LogLevel, message: string): void {
    const line: LogLine = { level, ts: new Date().toISOString(), message };
    if (levelAllows(this.level, level)) this.sink(`${line.ts} ${level.padEnd(5)} ${message}\n`);
    for (const t of this.taps) t(line);
  }
}
