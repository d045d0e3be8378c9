// `.hive/memories.jsonl`: one memory per line, sorted by id, keys in a fixed order, so a team
// shares memories through git and merges them line by line.
import { ApiaryError } from '../../shared/errors';
import type { Memory } from '../../shared/memory';

const KEYS: Array<keyof Memory> = ['id', 'text', 'tags', 'confidence', 'origin', 'cells', 'createdAt', 'updatedAt', 'validatedAt'];

export function memoryLine(m: Memory): string {
  const o: Record<string, unknown> = {};
  for (const k of KEYS) o[k] = k === 'origin' ? (m.origin.cell ? { agent: m.origin.agent, cell: m.origin.cell } : { agent: m.origin.agent }) : m[k];
  return JSON.stringify(o);
}

export function toJsonl(memories: Memory[]): string {
  const sorted = [...memories].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return sorted.map(memoryLine).join('\n') + (sorted.length ? '\n' : '');
}

function isMemory(v: unknown): v is Memory {
  const o = v as Memory;
  return (
    typeof o === 'object' && o !== null && typeof o.id === 'string' && typeof o.text === 'string' && Array.isArray(o.tags) &&
    typeof o.confidence === 'number' && typeof o.origin === 'object' && o.origin !== null && typeof o.origin.agent === 'string' &&
    Array.isArray(o.cells) && typeof o.createdAt === 'string' && typeof o.updatedAt === 'string' && typeof o.validatedAt === 'string'
  );
}

/** Parses the file; a bad line refuses the whole import (nothing half-imported). */
export function fromJsonl(text: string): Memory[] {
  const out: Memory[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      throw new ApiaryError('invalid_params', `memories.jsonl line ${i + 1} is not JSON`, 'Fix or remove the line (a merge conflict marker?) and import again.', { line: i + 1 });
    }
    if (!isMemory(v)) throw new ApiaryError('invalid_params', `memories.jsonl line ${i + 1} is not a memory`, 'Each line needs id, text, tags, confidence, origin, cells and the three times.', { line: i + 1 });
    out.push(v);
  });
  return out;
}
