// Memory evaluation: recall@5 on a labelled set (queries worded differently from the notes they
// should find) without embeddings, and find latency with 50,000 memories in the bank.
import type { Memory } from '../../shared/memory';
import { MemoryBank } from '../../server/memory/bank';
import { seededRng } from '../../server/learning/rng';
import { DISTRACTORS, TARGETS } from './fixtures/memorySet';
import { round, type BenchResult } from './support/result';

const NOW = Date.parse('2026-11-01T00:00:00Z');
const ISO = new Date(NOW).toISOString();

function memory(id: string, text: string, tags: string[]): Memory {
  return { id, text, tags, confidence: 0.7, origin: { agent: 'bench' }, cells: [], createdAt: ISO, updatedAt: ISO, validatedAt: ISO };
}

/** The labelled bank: targets m-000…, distractors d-000…. */
export function labelledBank(): MemoryBank {
  const bank = new MemoryBank();
  TARGETS.forEach((t, i) => bank.apply({ type: 'memory.stored', data: { memory: memory(`m-${String(i).padStart(3, '0')}`, t.memory, t.tags) } }));
  DISTRACTORS.forEach((d, i) => bank.apply({ type: 'memory.stored', data: { memory: memory(`d-${String(i).padStart(3, '0')}`, d, []) } }));
  return bank;
}

export function recallAt(bank: MemoryBank, k: number): { recall: number; misses: string[] } {
  let found = 0;
  const misses: string[] = [];
  TARGETS.forEach((t, i) => {
    const id = `m-${String(i).padStart(3, '0')}`;
    const hits = bank.find(t.query, k, NOW).hits.map((h) => h.memory.id);
    if (hits.includes(id)) found++;
    else misses.push(t.query);
  });
  return { recall: found / TARGETS.length, misses };
}

/** 50,000 memories: the labelled set plus notes recombined from its sentences' words, seeded. */
function bigBank(n: number): MemoryBank {
  const bank = labelledBank();
  const rng = seededRng(7);
  const vocab = [...TARGETS.map((t) => t.memory), ...DISTRACTORS].join(' ').split(/\s+/).filter((w) => w.length > 2);
  for (let i = bank.size; i < n; i++) {
    const len = 8 + Math.floor(rng() * 14);
    const words: string[] = [];
    for (let j = 0; j < len; j++) words.push(vocab[Math.floor(rng() * vocab.length)]!);
    bank.apply({ type: 'memory.stored', data: { memory: memory(`s-${i}`, words.join(' '), []) } });
  }
  return bank;
}

export async function benchMemory(): Promise<BenchResult> {
  const { recall } = recallAt(labelledBank(), 5);
  const n = 50_000;
  const t0 = performance.now();
  const bank = bigBank(n);
  const buildMs = performance.now() - t0;
  const times: number[] = [];
  for (let round_ = 0; round_ < 3; round_++) {
    for (const t of TARGETS) {
      const s = performance.now();
      bank.find(t.query, 5, NOW);
      times.push(performance.now() - s);
    }
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  const p95 = times[Math.floor(times.length * 0.95)]!;
  return {
    name: 'memory',
    metrics: {
      'recall@5 (no embeddings)': { value: round(recall, 3), unit: 'ratio', goal: '>= 0.8' },
      'labelled set': { value: TARGETS.length + DISTRACTORS.length, unit: 'memories', goal: '>= 200 memories, >= 50 queries' },
      'queries': { value: TARGETS.length, unit: 'queries', goal: '>= 50' },
      'find median at 50k': { value: round(median, 2), unit: 'ms', goal: '<= 20 ms' },
      'find p95 at 50k': { value: round(p95, 2), unit: 'ms', goal: 'informational' },
      'index 50k memories': { value: round(buildMs), unit: 'ms', goal: 'informational' },
    },
  };
}
