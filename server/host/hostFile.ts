import fs from 'node:fs';
import path from 'node:path';
import { isHostStarting, type HostInfo, type HostStarting } from '../../shared/protocol';

export function writeJsonAtomic(file: string, value: unknown, mode = 0o600): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n', { mode });
  fs.renameSync(tmp, file);
}

export function readHostFile(file: string): HostInfo | null {
  try {
    const info = JSON.parse(fs.readFileSync(file, 'utf8')) as HostInfo;
    return typeof info.pid === 'number' && typeof info.socket === 'string' ? info : null;
  } catch {
    return null;
  }
}

export function readStartingFile(file: string): HostStarting | null {
  try {
    const s: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    return isHostStarting(s) ? s : null;
  } catch {
    return null;
  }
}

/** `.apiary/` holds local state only; its own .gitignore keeps all of it out of commits. */
export function ensureApiaryDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ignore = path.join(dir, '.gitignore');
  if (!fs.existsSync(ignore)) fs.writeFileSync(ignore, '# Apiary agent host state: never committed.\n*\n');
}
