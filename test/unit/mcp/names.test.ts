import assert from 'node:assert/strict';
import fc from 'fast-check';
import { agentNameSchema } from '../../../shared/coordinationSchemas';
import { generateName, NAME_SPACE } from '../../../server/mcp/identity/names';

describe('generated agent names', () => {
  it('are readable two-word names that pass the agent name schema', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (key) => {
        const name = generateName(key, () => false);
        assert.match(name, /^[A-Z][a-z]+[A-Z][a-z]+$/);
        assert.ok(agentNameSchema.safeParse(name).success);
      }),
    );
  });

  it('are stable for a client key', () => {
    fc.assert(fc.property(fc.string({ minLength: 1 }), (key) => generateName(key, () => false) === generateName(key, () => false)));
  });

  it('differ between most client keys', () => {
    const names = new Set(Array.from({ length: 200 }, (_, i) => generateName(`client-${i}`, () => false)));
    assert.ok(names.size > 180, `${names.size} distinct names of 200`);
  });

  it('never hand out a taken name, trying the key\'s other candidates first', () => {
    const taken = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const name = generateName('same-key', (n) => taken.has(n));
      assert.ok(!taken.has(name));
      assert.match(name, /^[A-Z][a-z]+[A-Z][a-z]+$/, 'no numeric suffix while plain names remain');
      taken.add(name);
    }
  });

  it('add a number once every plain name is taken', () => {
    const name = generateName('k', (n) => !/\d$/.test(n));
    assert.match(name, /^[A-Z][a-z]+[A-Z][a-z]+2$/);
    assert.ok(NAME_SPACE >= 1000, 'plenty of plain names');
  });
});
