// File access for a worker, confined to one directory: no absolute paths, no `..`, no way out
// through a symlink (the real path of the nearest existing ancestor must stay inside), nothing
// under .git / .apiary, and writes only to the files the worker holds. A refusal is a
// ToolRefusal whose message tells the model what to do instead.
import fs from 'node:fs/promises';
import path from 'node:path';
import { normalize, unsafePath } from './plan';

export class ToolRefusal extends Error {}
/** Ends the worker's loop instead of becoming a tool result (a killed worker, a stop). */
export class WorkerInterrupt extends Error {}

const HIDDEN = new Set(['.git', '.apiary', 'node_modules']);
const MAX_READ = 200_000;

export class WorkspaceFs {
  private realRoot: string | null = null;

  /** `writable`: workspace-relative paths this worker may write (its reservation). */
  constructor(
    readonly root: string,
    private readonly writable: () => ReadonlySet<string>,
  ) {}

  private async rootReal(): Promise<string> {
    this.realRoot ??= await fs.realpath(this.root);
    return this.realRoot;
  }

  /** The absolute path of `rel`, or a refusal. */
  async resolve(rel: string): Promise<{ abs: string; rel: string }> {
    if (typeof rel !== 'string' || rel.trim() === '') throw new ToolRefusal('path is required: a path relative to the workspace root, like src/a.ts');
    const bad = unsafePath(rel);
    if (bad) throw new ToolRefusal(`refused ${JSON.stringify(rel)}: ${bad}`);
    const n = normalize(rel).replace(/\/$/, '') || '.';
    if (HIDDEN.has(n.split('/')[0] ?? '')) throw new ToolRefusal(`refused ${n}: ${n.split('/')[0]} is not part of the work`);
    const root = await this.rootReal();
    const abs = path.join(root, n);
    // The real path of the deepest existing ancestor must stay inside the root (symlinks).
    let probe = abs;
    for (;;) {
      try {
        const real = await fs.realpath(probe);
        if (real !== root && !real.startsWith(root + path.sep)) throw new ToolRefusal(`refused ${n}: it leads outside the workspace through a symbolic link`);
        break;
      } catch (err) {
        if (err instanceof ToolRefusal) throw err;
        const parent = path.dirname(probe);
        if (parent === probe) break;
        probe = parent;
      }
    }
    return { abs, rel: n };
  }

  async read(rel: string): Promise<string> {
    const { abs, rel: n } = await this.resolve(rel);
    let text: string;
    try {
      text = await fs.readFile(abs, 'utf8');
    } catch {
      throw new ToolRefusal(`${n} does not exist or is not a file; list_files shows what is there`);
    }
    return text.length > MAX_READ ? `${text.slice(0, MAX_READ)}\n… (truncated at ${MAX_READ} characters)` : text;
  }

  async list(rel = '.'): Promise<string[]> {
    const { abs, rel: n } = await this.resolve(rel);
    let entries;
    try {
      entries = await fs.readdir(abs, { withFileTypes: true });
    } catch {
      throw new ToolRefusal(`${n} is not a directory`);
    }
    return entries
      .filter((e) => !HIDDEN.has(e.name))
      .map((e) => (n === '.' ? e.name : `${n}/${e.name}`) + (e.isDirectory() ? '/' : ''))
      .sort();
  }

  /** Every file under the root (relative, sorted), hidden folders left out. */
  async allFiles(limit = 5000): Promise<string[]> {
    const root = await this.rootReal();
    const out: string[] = [];
    const walk = async (dir: string, prefix: string): Promise<void> => {
      const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
      for (const e of entries) {
        if (out.length >= limit || HIDDEN.has(e.name)) continue;
        const rel = prefix ? `${prefix}/${e.name}` : e.name;
        if (e.isDirectory()) await walk(path.join(dir, e.name), rel);
        else if (e.isFile()) out.push(rel);
      }
    };
    await walk(root, '');
    return out.sort();
  }

  async search(query: string, limit = 50): Promise<string[]> {
    if (!query) throw new ToolRefusal('query is required');
    const hits: string[] = [];
    for (const f of await this.allFiles()) {
      const text = await fs.readFile(path.join(await this.rootReal(), f), 'utf8').catch(() => '');
      text.split('\n').forEach((line, i) => {
        if (hits.length < limit && line.includes(query)) hits.push(`${f}:${i + 1}: ${line.slice(0, 200)}`);
      });
      if (hits.length >= limit) break;
    }
    return hits;
  }

  private async writableTarget(rel: string): Promise<{ abs: string; rel: string }> {
    const target = await this.resolve(rel);
    const allowed = this.writable();
    if (!allowed.has(target.rel)) {
      const list = [...allowed].sort().join(', ') || 'none';
      throw new ToolRefusal(`refused: ${target.rel} is not reserved for you (your files: ${list}). Change only your files, or ask with send_message / ask_human.`);
    }
    return target;
  }

  async write(rel: string, content: string): Promise<string> {
    if (typeof content !== 'string') throw new ToolRefusal('content is required (the whole new file)');
    const { abs, rel: n } = await this.writableTarget(rel);
    await fs.mkdir(path.dirname(abs), { recursive: true });
    await fs.writeFile(abs, content);
    return n;
  }

  /** Replaces exactly one occurrence of `oldText`. */
  async edit(rel: string, oldText: string, newText: string): Promise<string> {
    if (typeof oldText !== 'string' || oldText === '' || typeof newText !== 'string') throw new ToolRefusal('old_text (non-empty) and new_text are required');
    const { abs, rel: n } = await this.writableTarget(rel);
    const text = await fs.readFile(abs, 'utf8').catch(() => null);
    if (text === null) throw new ToolRefusal(`${n} does not exist; create it with write_file`);
    const count = text.split(oldText).length - 1;
    if (count === 0) throw new ToolRefusal(`old_text was not found in ${n}; read_file it and copy the exact text`);
    if (count > 1) throw new ToolRefusal(`old_text occurs ${count} times in ${n}; include more surrounding text so it is unique`);
    await fs.writeFile(abs, text.replace(oldText, () => newText));
    return n;
  }
}
