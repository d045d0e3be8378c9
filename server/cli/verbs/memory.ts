// memory store|find|validate|forget|export|import — shared memory from the command line.
import { MemoryExportRequest, MemoryFindRequest, MemoryForgetRequest, MemoryImportRequest, MemoryStoreRequest, MemoryValidateRequest, type Memory } from '../../../shared/memory';
import type { MemoryStoreParams } from '../../../shared/memorySchemas';
import { intOption, parse } from '../args';
import { withHost } from '../client';
import { counted, printResult, UsageError } from '../output';

const USAGE = 'memory store "<text>" [--tags a,b] [--confidence C] [--cell ID] | memory find "<query>" [--limit N] [--tags a,b] | memory validate ID | memory forget ID [--reason R] | memory export | memory import';

function line(m: Memory): string {
  const tags = m.tags.length ? ` [${m.tags.join(', ')}]` : '';
  return `${m.id}  ${m.text}${tags}  (confidence ${m.confidence}, by ${m.origin.agent}, validated ${m.validatedAt.slice(0, 10)})`;
}

function tagList(v: unknown): string[] | undefined {
  return typeof v === 'string' ? v.split(',').map((t) => t.trim()).filter(Boolean) : undefined;
}

export async function memory(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const { values, positionals, common } = parse(rest, {
    tags: { type: 'string' },
    confidence: { type: 'string' },
    cell: { type: 'string' },
    limit: { type: 'string' },
    reason: { type: 'string' },
  });
  const text = positionals.join(' ').trim();
  switch (sub) {
    case 'store': {
      if (!text) throw new UsageError(`memory store needs the text: apiary ${USAGE.split(' | ')[0]}`);
      const params: MemoryStoreParams = { text, tags: tagList(values.tags) ?? [] };
      if (values.confidence !== undefined) {
        const c = Number(values.confidence);
        if (!Number.isFinite(c)) throw new UsageError(`--confidence needs a number between 0 and 1, got ${String(values.confidence)}`);
        params.confidence = c;
      }
      if (typeof values.cell === 'string') params.cell = values.cell;
      const r = await withHost(common, (c) => c.sendRequest(MemoryStoreRequest, params));
      printResult(r, common.json, () => `${r.action === 'added' ? 'Stored' : r.action === 'updated' ? `Updated a near-duplicate (similarity ${r.similarity})` : `Already known (similarity ${r.similarity}); nothing stored`}:\n${line(r.memory)}`);
      return 0;
    }
    case 'find': {
      if (!text) throw new UsageError('memory find needs a query: apiary memory find "<query>" [--limit N]');
      const limit = intOption(values, 'limit');
      const tags = tagList(values.tags);
      const r = await withHost(common, (c) => c.sendRequest(MemoryFindRequest, { query: text, ...(limit !== undefined ? { limit } : {}), ...(tags ? { tags } : {}) }));
      printResult(r, common.json, () => (r.hits.length ? r.hits.map((h) => `${h.score.toFixed(3)}  ${line(h.memory)}`).join('\n') : 'No memory matches.'));
      return 0;
    }
    case 'validate':
    case 'forget': {
      const id = positionals[0];
      if (!id || positionals.length > 1) throw new UsageError(`memory ${sub} needs one memory id`);
      if (sub === 'validate') {
        const m = await withHost(common, (c) => c.sendRequest(MemoryValidateRequest, { id }));
        printResult(m, common.json, () => `Validated: ${line(m)}`);
      } else {
        const r = await withHost(common, (c) => c.sendRequest(MemoryForgetRequest, { id, ...(typeof values.reason === 'string' ? { reason: values.reason } : {}) }));
        printResult(r, common.json, () => `Forgot ${r.id}.`);
      }
      return 0;
    }
    case 'export': {
      const r = await withHost(common, (c) => c.sendRequest(MemoryExportRequest, {}));
      printResult(r, common.json, () => `Wrote ${counted(r.count, 'memory', 'memories')} to ${r.path}.`);
      return 0;
    }
    case 'import': {
      const r = await withHost(common, (c) => c.sendRequest(MemoryImportRequest, {}));
      printResult(r, common.json, () => `Imported: ${r.added} added, ${r.updated} updated, ${r.unchanged} unchanged.`);
      return 0;
    }
    default:
      throw new UsageError(sub ? `unknown memory subcommand ${sub}; usage: apiary ${USAGE}` : `usage: apiary ${USAGE}`);
  }
}
