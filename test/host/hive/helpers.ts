// The hive specs' host: the shared in-process host, with the hive service and its file at hand.
import fs from 'node:fs';
import path from 'node:path';
import type { HiveService } from '../../../server/hive/service';
import { startInProcessHost, type InProcessHost } from '../support/inProcessHost';

export { collect, eventually, MINUTE, refusal, until } from '../support/waiting';

export interface HiveHost extends InProcessHost {
  service(): HiveService;
  hiveFile(): string;
  readHiveFile(): string | null;
}

export async function startHiveHost(opts: { workspace?: string } = {}): Promise<HiveHost> {
  const h = await startInProcessHost(opts);
  const hiveFile = path.join(h.workspace, '.hive', 'issues.jsonl');
  return {
    ...h,
    service: () => h.host.ctx.services.get('hive'),
    hiveFile: () => hiveFile,
    readHiveFile: () => (fs.existsSync(hiveFile) ? fs.readFileSync(hiveFile, 'utf8') : null),
  };
}

/** The records of a JSON-lines file. */
export function parseLines(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
