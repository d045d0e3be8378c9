// The memory service: the host's bank (a cache of the memory read model), commands that append
// memory events, find with optional embeddings, and the `.hive/memories.jsonl` exchange.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ApiaryError } from '../../shared/errors';
import type { EventEnvelope } from '../../shared/events';
import type { Memory, MemoryExportResult, MemoryFindResult, MemoryImportResult, MemoryStoreResult } from '../../shared/memory';
import type { MemoryFindParams, MemoryStoreParams } from '../../shared/memorySchemas';
import { memoryFindParamsSchema, memoryStoreParamsSchema } from '../../shared/memorySchemas';
import type { EventStore } from '../store/eventStore';
import { MemoryBank } from './bank';
import type { Embedder } from './embeddings';
import { MEMORY_EVENT_TYPES, memoryStream, type MemoryEvent } from './events';
import { fromJsonl, memoryLine, toJsonl } from './jsonl';

export const MEMORIES_FILE = path.join('.hive', 'memories.jsonl');

export interface MemoryServiceOptions {
  events: EventStore;
  initial: Memory[];
  workspace: string;
  now(): number;
  embedder?: Embedder | null;
  log?(level: 'info' | 'warn', message: string): void;
  newId?(): string;
}

export function memoryId(): string {
  return `mem-${randomBytes(5).toString('hex')}`;
}

export class MemoryService {
  readonly bank = new MemoryBank();
  private readonly stopListening: () => void;
  private readonly newId: () => string;

  constructor(private readonly opts: MemoryServiceOptions) {
    for (const m of opts.initial) this.bank.apply({ type: 'memory.stored', data: { memory: m } });
    this.newId = opts.newId ?? memoryId;
    this.stopListening = opts.events.onCommitted((batch: EventEnvelope[]) => {
      for (const e of batch) if (MEMORY_EVENT_TYPES.includes(e.type)) this.bank.apply({ type: e.type, data: e.data } as MemoryEvent);
    });
    void this.embedMissing();
  }

  get vectorEnabled(): boolean {
    return !!this.opts.embedder;
  }

  private nowIso(): string {
    return new Date(this.opts.now()).toISOString();
  }

  private async append(id: string, e: MemoryEvent, actor: string, expected: 'no-stream' | 'exists'): Promise<void> {
    await this.opts.events.append(memoryStream(id), [{ type: e.type, data: e.data }], expected, { actor });
  }

  /** Stores run one at a time, so two agents storing the same lesson at once get added + updated, not two copies. */
  private queue: Promise<unknown> = Promise.resolve();

  /** Store, or update a near-duplicate; `unchanged` writes nothing. */
  store(raw: MemoryStoreParams, agent: string): Promise<MemoryStoreResult> {
    const p = memoryStoreParamsSchema.parse(raw);
    const next = this.queue.then(() => this.storeNow(p, agent));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async storeNow(p: ReturnType<typeof memoryStoreParamsSchema.parse>, agent: string): Promise<MemoryStoreResult> {
    const cells = [...new Set([...(p.cells ?? []), ...(p.cell ? [p.cell] : [])])];
    const plan = this.bank.planStore({ text: p.text, tags: p.tags, confidence: p.confidence, cells, origin: p.cell ? { agent, cell: p.cell } : { agent } }, this.nowIso(), this.newId);
    if (plan.event) await this.append(plan.memory.id, plan.event, agent, plan.action === 'added' ? 'no-stream' : 'exists');
    if (plan.action !== 'unchanged') void this.embedMissing();
    return { action: plan.action, memory: this.bank.get(plan.memory.id) ?? plan.memory, ...(plan.similarity !== undefined ? { similarity: plan.similarity } : {}) };
  }

  async find(raw: MemoryFindParams): Promise<MemoryFindResult> {
    const p = memoryFindParamsSchema.parse(raw);
    let queryVector: number[] | undefined;
    if (this.opts.embedder) {
      try {
        [queryVector] = await this.opts.embedder.embed([p.query]);
      } catch (err) {
        this.opts.log?.('warn', `Embeddings unavailable, ranking memories lexically: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    return this.bank.find(p.query, p.limit, this.opts.now(), { ...(p.tags ? { tags: p.tags } : {}), ...(queryVector ? { queryVector } : {}) });
  }

  async validate(id: string, agent: string): Promise<Memory> {
    await this.append(id, this.bank.planValidate(id, this.nowIso()), agent, 'exists');
    return this.bank.require(id);
  }

  async forget(id: string, agent: string, reason?: string): Promise<{ id: string; forgotten: true }> {
    await this.append(id, this.bank.planForget(id, reason), agent, 'exists');
    return { id, forgotten: true };
  }

  async exportFile(): Promise<MemoryExportResult> {
    const file = path.join(this.opts.workspace, MEMORIES_FILE);
    await mkdir(path.dirname(file), { recursive: true });
    const memories = this.bank.all();
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, toJsonl(memories));
    await rename(tmp, file);
    return { path: MEMORIES_FILE, count: memories.length };
  }

  async importFile(agent: string): Promise<MemoryImportResult> {
    const file = path.join(this.opts.workspace, MEMORIES_FILE);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      throw new ApiaryError('not_found', `${MEMORIES_FILE} does not exist`, 'Export memories first (apiary memory export), or pull a branch that has the file.');
    }
    const incoming = fromJsonl(text);
    const ops: Array<{ stream: string; events: Array<{ type: string; data: unknown }>; expectedVersion: 'no-stream' | 'exists' }> = [];
    const result: MemoryImportResult = { added: 0, updated: 0, unchanged: 0 };
    for (const m of incoming) {
      const have = this.bank.get(m.id);
      if (!have) {
        ops.push({ stream: memoryStream(m.id), events: [{ type: 'memory.stored', data: { memory: m } }], expectedVersion: 'no-stream' });
        result.added++;
      } else if (memoryLine(have) === memoryLine(m) || m.updatedAt < have.updatedAt) {
        result.unchanged++;
      } else {
        const validatedAt = m.validatedAt > have.validatedAt ? m.validatedAt : have.validatedAt;
        const data = { id: m.id, text: m.text, tags: m.tags, confidence: m.confidence, cells: m.cells, updatedAt: m.updatedAt, validatedAt };
        ops.push({ stream: memoryStream(m.id), events: [{ type: 'memory.updated', data }], expectedVersion: 'exists' });
        result.updated++;
      }
    }
    if (ops.length) await this.opts.events.appendMany(ops, { actor: agent });
    void this.embedMissing();
    return result;
  }

  /** Computes vectors for memories that have none (in the background; failures only log). */
  private async embedMissing(): Promise<void> {
    const embedder = this.opts.embedder;
    if (!embedder) return;
    const missing = this.bank.missingVectors();
    for (let i = 0; i < missing.length; i += 64) {
      const batch = missing.slice(i, i + 64);
      try {
        const vectors = await embedder.embed(batch.map((m) => m.text));
        batch.forEach((m, j) => this.bank.setVector(m.id, vectors[j]!));
      } catch (err) {
        this.opts.log?.('warn', `Embedding memories failed: ${err instanceof Error ? err.message : String(err)}`);
        return;
      }
    }
  }

  /** Resolves once every memory has a vector (tests and imports wait on it). */
  async ready(): Promise<void> {
    await this.embedMissing();
  }

  dispose(): void {
    this.stopListening();
  }
}
