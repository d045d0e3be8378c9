import assert from 'node:assert/strict';
import type { Memory } from '../../../shared/memory';
import { MemoryBank, similarity } from '../../../server/memory/bank';
import { fromJsonl, toJsonl } from '../../../server/memory/jsonl';
import { labelledBank, recallAt } from '../../bench/memory';

const NOW = Date.parse('2026-11-01T00:00:00Z');
const iso = (daysAgo = 0) => new Date(NOW - daysAgo * 86_400_000).toISOString();

function store(bank: MemoryBank, text: string, over: { tags?: string[]; confidence?: number; cells?: string[] } = {}, at = iso()) {
  let n = bank.size;
  const plan = bank.planStore({ text, tags: over.tags ?? [], confidence: over.confidence ?? 0.7, cells: over.cells ?? [], origin: { agent: 'ada' } }, at, () => `mem-${++n}`);
  if (plan.event) bank.apply(plan.event);
  return plan;
}

describe('the memory bank', () => {
  it('adds a new memory with its tags, confidence, origin and cells', () => {
    const bank = new MemoryBank();
    const r = store(bank, 'Run npm test before committing', { tags: ['testing'], confidence: 0.9, cells: ['hv-3'] });
    assert.equal(r.action, 'added');
    assert.deepEqual(bank.get(r.memory.id), { id: 'mem-1', text: 'Run npm test before committing', tags: ['testing'], confidence: 0.9, origin: { agent: 'ada' }, cells: ['hv-3'], createdAt: iso(), updatedAt: iso(), validatedAt: iso() });
  });

  it('updates instead of duplicating when the same lesson comes back in other words', () => {
    const bank = new MemoryBank();
    store(bank, 'Run the unit tests with npm test before committing', { tags: ['testing'] });
    store(bank, 'Database migrations are applied with npm run migrate');
    const r = store(bank, 'Before you commit, execute npm test to run the specs', { tags: ['ci'], confidence: 0.9 }, iso(-1));
    assert.equal(r.action, 'updated');
    assert.ok(r.similarity! >= 0.6);
    assert.equal(bank.size, 2);
    const m = bank.get('mem-1')!;
    assert.equal(m.text, 'Before you commit, execute npm test to run the specs');
    assert.deepEqual(m.tags, ['ci', 'testing']);
    assert.equal(m.confidence, 0.9);
    assert.equal(m.validatedAt, iso(-1));
  });

  it('answers unchanged, writing nothing, when the same memory is stored again', () => {
    const bank = new MemoryBank();
    store(bank, 'Money amounts are integers in cents', { tags: ['money'] });
    const r = store(bank, 'money amounts are integers in cents', { tags: ['money'] });
    assert.equal(r.action, 'unchanged');
    assert.equal(r.event, undefined);
  });

  it('keeps different lessons apart', () => {
    assert.ok(similarity('Run npm test before committing', 'Never commit secrets to the repository') < 0.3);
  });

  it('ranks by freshness and confidence when relevance is equal: fresh and sure first, then fresh but unsure, then a year stale', () => {
    const bank = new MemoryBank();
    store(bank, 'Database backups run nightly at two', { confidence: 0.9 }, iso(400));
    store(bank, 'Database backups are encrypted with the ops key', { confidence: 0.9 }, iso(0));
    store(bank, 'Database backups are kept thirty days', { confidence: 0.2 }, iso(0));
    assert.deepEqual(bank.find('database backups', 3, NOW).hits.map((h) => h.memory.id), ['mem-2', 'mem-3', 'mem-1']);
  });

  it('validation resets decay', () => {
    const bank = new MemoryBank();
    store(bank, 'Database backups run nightly at two', {}, iso(400));
    store(bank, 'Database backups are encrypted with the ops key', {}, iso(200));
    assert.equal(bank.find('database backups', 1, NOW).hits[0]!.memory.id, 'mem-2');
    bank.apply(bank.planValidate('mem-1', iso()));
    assert.equal(bank.find('database backups', 1, NOW).hits[0]!.memory.id, 'mem-1');
  });

  it('forgets, and refuses ids it does not know with a hint', () => {
    const bank = new MemoryBank();
    store(bank, 'Use pnpm to install dependencies');
    bank.apply(bank.planForget('mem-1', 'we moved to npm'));
    assert.equal(bank.size, 0);
    assert.equal(bank.find('pnpm', 5, NOW).hits.length, 0);
    assert.throws(() => bank.planValidate('mem-1', iso()), (e: Error & { code?: string; hint?: string }) => e.code === 'not_found' && !!e.hint);
  });

  it('filters by tag', () => {
    const bank = new MemoryBank();
    store(bank, 'Tests use fake timers', { tags: ['testing'] });
    store(bank, 'Timers in the UI use requestAnimationFrame', { tags: ['ui'] });
    assert.deepEqual(bank.find('timers', 5, NOW, { tags: ['ui'] }).hits.map((h) => h.memory.id), ['mem-2']);
  });
});

describe('.hive/memories.jsonl', () => {
  it('round-trips: sorted by id, stable key order, same memories back', () => {
    const bank = new MemoryBank();
    store(bank, 'Secrets come from the vault', { tags: ['security'], cells: ['hv-9'] });
    store(bank, 'The websocket server listens on 8081');
    const text = toJsonl([...bank.all()].reverse());
    const lines = text.trim().split('\n');
    assert.deepEqual(lines.map((l) => (JSON.parse(l) as Memory).id), ['mem-1', 'mem-2']);
    assert.deepEqual(Object.keys(JSON.parse(lines[0]!) as object), ['id', 'text', 'tags', 'confidence', 'origin', 'cells', 'createdAt', 'updatedAt', 'validatedAt']);
    assert.deepEqual(fromJsonl(text), bank.all());
  });

  it('refuses a file with a bad line, naming the line', () => {
    assert.throws(() => fromJsonl('{"id":"a"}\n<<<<<<< HEAD\n'), (e: Error & { code?: string; details?: { line: number } }) => e.code === 'invalid_params' && e.details?.line === 1);
  });
});

describe('finding paraphrases without embeddings', () => {
  it('finds the labelled memory in the top 5 for at least 80% of differently worded queries', () => {
    const { recall } = recallAt(labelledBank(), 5);
    assert.ok(recall >= 0.8, `recall@5 ${recall}`);
  });
});
