// Checking a plan before anything enters the hive (pure): every problem is named so one
// re-plan can be asked to fix exactly those, and a plan with problems is never accepted.
import type { PlannedSubtask } from '../../shared/swarm';

export interface PlanProblem {
  subtask: number | null;
  problem: string;
}

export function validatePlan(subtasks: readonly PlannedSubtask[]): PlanProblem[] {
  const problems: PlanProblem[] = [];
  if (subtasks.length === 0) problems.push({ subtask: null, problem: 'the plan has no subtasks' });
  const owner = new Map<string, number>();
  subtasks.forEach((s, i) => {
    if (!s.title.trim() || !s.description.trim()) problems.push({ subtask: i, problem: `subtask ${i} is empty: it needs a title and a description` });
    if (s.acceptance.length === 0) problems.push({ subtask: i, problem: `subtask ${i} ("${s.title}") has no acceptance criteria the gate can check` });
    if (s.files.length === 0) problems.push({ subtask: i, problem: `subtask ${i} ("${s.title}") names no files to work on` });
    for (const f of s.files) {
      const bad = unsafePath(f);
      if (bad) problems.push({ subtask: i, problem: `subtask ${i} names ${JSON.stringify(f)}: ${bad}` });
      const key = normalize(f);
      const first = owner.get(key);
      if (first !== undefined && first !== i) problems.push({ subtask: i, problem: `file ${f} is claimed by subtasks ${first} and ${i}; give each file to one subtask` });
      else owner.set(key, i);
    }
    for (const d of s.dependsOn) {
      if (!Number.isInteger(d) || d < 0 || d >= subtasks.length) problems.push({ subtask: i, problem: `subtask ${i} depends on index ${d}, which is out of range (0..${subtasks.length - 1})` });
      else if (d === i) problems.push({ subtask: i, problem: `subtask ${i} depends on itself` });
    }
  });
  const cycle = findCycle(subtasks);
  if (cycle) problems.push({ subtask: cycle[0] ?? null, problem: `dependencies form a cycle: ${cycle.join(' -> ')}` });
  return problems;
}

export function normalize(p: string): string {
  return p.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+/g, '/');
}

/** Why a path given by a model cannot be a workspace file, or null when it can. */
export function unsafePath(p: string): string | null {
  const n = normalize(p);
  if (n.startsWith('/') || /^[a-zA-Z]:/.test(n)) return 'an absolute path; use a path relative to the workspace root';
  if (n.split('/').includes('..')) return 'a path with ".."; stay inside the workspace';
  if (/[*?[\]{}]/.test(n)) return 'a glob; name each file';
  return null;
}

/** One cycle through the in-range dependencies, as indices (first repeated at the end), or null. */
export function findCycle(subtasks: readonly PlannedSubtask[]): number[] | null {
  const state = new Array<0 | 1 | 2>(subtasks.length).fill(0);
  const stack: number[] = [];
  const visit = (i: number): number[] | null => {
    state[i] = 1;
    stack.push(i);
    for (const d of subtasks[i]?.dependsOn ?? []) {
      if (d < 0 || d >= subtasks.length || d === i) continue;
      if (state[d] === 1) return [...stack.slice(stack.indexOf(d)), d];
      if (state[d] === 0) {
        const found = visit(d);
        if (found) return found;
      }
    }
    stack.pop();
    state[i] = 2;
    return null;
  };
  for (let i = 0; i < subtasks.length; i++) {
    if (state[i] === 0) {
      const found = visit(i);
      if (found) return found;
    }
  }
  return null;
}

export function describeProblems(problems: readonly PlanProblem[]): string {
  return problems.map((p) => `- ${p.problem}`).join('\n');
}
