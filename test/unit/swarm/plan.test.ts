import assert from 'node:assert/strict';
import type { PlannedSubtask } from '../../../shared/swarm';
import { findCycle, validatePlan } from '../../../server/swarm/plan';

const sub = (over: Partial<PlannedSubtask> = {}): PlannedSubtask => ({ title: 'T', description: 'D', acceptance: ['passes'], files: ['a.ts'], dependsOn: [], strategy: 'file', ...over });

describe('Swarm plan validation', () => {
  it('accepts independent subtasks with their own files and acceptance criteria', () => {
    assert.deepEqual(validatePlan([sub(), sub({ files: ['b.ts'], dependsOn: [0] })]), []);
  });
  it('refuses an empty plan', () => {
    assert.match(validatePlan([])[0]!.problem, /no subtasks/);
  });
  it('names a file claimed by two subtasks', () => {
    const p = validatePlan([sub({ files: ['src/a.ts'] }), sub({ files: ['./src/a.ts'] })]);
    assert.deepEqual(p.map((x) => x.problem), ['file ./src/a.ts is claimed by subtasks 0 and 1; give each file to one subtask']);
  });
  it('names dependency indices out of range and self-dependencies', () => {
    const p = validatePlan([sub({ dependsOn: [3] }), sub({ files: ['b.ts'], dependsOn: [1] })]).map((x) => x.problem);
    assert.ok(p.some((m) => /index 3, which is out of range \(0\.\.1\)/.test(m)));
    assert.ok(p.some((m) => /subtask 1 depends on itself/.test(m)));
  });
  it('finds cycles through dependencies', () => {
    const plan = [sub({ dependsOn: [2] }), sub({ files: ['b'], dependsOn: [0] }), sub({ files: ['c'], dependsOn: [1] })];
    assert.deepEqual(findCycle(plan), [0, 2, 1, 0]);
    assert.ok(validatePlan(plan).some((p) => /cycle: 0 -> 2 -> 1 -> 0/.test(p.problem)));
  });
  it('refuses empty subtasks, missing acceptance criteria and unsafe paths', () => {
    const p = validatePlan([sub({ title: ' ', description: '', acceptance: [], files: ['../x', '/etc/passwd', 'src/*.ts'] })]).map((x) => x.problem);
    assert.ok(p.some((m) => /is empty/.test(m)));
    assert.ok(p.some((m) => /no acceptance criteria/.test(m)));
    assert.ok(p.some((m) => /"\.\.\/x": a path with "\.\."/.test(m)));
    assert.ok(p.some((m) => /absolute path/.test(m)));
    assert.ok(p.some((m) => /a glob/.test(m)));
  });
});
