// The learning read model: every recorded outcome, in log order. The learning model is folded
// from these rows (it depends on the clock through decay, so it is computed, not stored).
import type { Database } from 'sql.js';
import type { Outcome } from '../../shared/learning';
import type { Projection } from '../store/projection';
import { all, run } from '../store/primitives/sql';

export const LEARNING_STREAM_PREFIX = 'learning-';
export const OUTCOMES_STREAM = 'learning-outcomes';
export const OUTCOME_RECORDED = 'learning.outcome_recorded';

export const learningProjection: Projection = {
  name: 'learning',
  // v2: tier may be NULL (an outside agent's outcome whose model maps to no tier).
  version: 2,
  schema: ['CREATE TABLE learning_outcomes (position INTEGER PRIMARY KEY, id TEXT NOT NULL, kind TEXT NOT NULL, tier TEXT, at TEXT NOT NULL, json TEXT NOT NULL)'],
  types: [OUTCOME_RECORDED],
  apply(db, event) {
    const o = event.data as Outcome;
    run(db, 'INSERT OR REPLACE INTO learning_outcomes (position, id, kind, tier, at, json) VALUES (?, ?, ?, ?, ?, ?)', [event.position, event.id, o.kind, o.tier ?? null, o.at, JSON.stringify(o)]);
  },
};

export function readOutcomes(db: Database): Outcome[] {
  return all<{ json: string }>(db, 'SELECT json FROM learning_outcomes ORDER BY position').map((r) => JSON.parse(r.json) as Outcome);
}

export function outcomeCount(db: Database): number {
  return all<{ n: number }>(db, 'SELECT COUNT(*) AS n FROM learning_outcomes')[0]?.n ?? 0;
}
