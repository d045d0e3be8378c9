// The workspace's lock settings as the service sees them: decisions read the file as it is now;
// hot reads may reuse a policy checked moments ago instead of a stat per call.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CONFIG_FILE, PolicySource } from '../../../server/coordination/config';

describe('PolicySource', () => {
  let dir: string;
  const write = (locks: unknown) => fs.writeFileSync(path.join(dir, CONFIG_FILE), JSON.stringify({ locks }));

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apiary-policy-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('gives the defaults without a file, and a changed file on the very next plain read', () => {
    const source = new PolicySource(dir);
    assert.equal(source.get().lockMode, 'enforce');
    write({ mode: 'advisory' });
    assert.equal(source.get().lockMode, 'advisory');
    write({ mode: 'enforce', nocase: true });
    assert.equal(source.get().nocase, true);
  });

  it('lets a read with maxAgeMs reuse the policy checked within that window, while a plain read still sees the change', () => {
    const source = new PolicySource(dir);
    write({ mode: 'enforce' });
    assert.equal(source.get(60_000).lockMode, 'enforce');
    write({ mode: 'advisory', nocase: true });
    assert.equal(source.get(60_000).lockMode, 'enforce', 'checked moments ago: not stat-ed again');
    assert.equal(source.get().lockMode, 'advisory', 'a decision reads the file as it is now');
    assert.equal(source.get(60_000).lockMode, 'advisory', 'and the fresh read is what later hot reads reuse');
  });

  it('checks again once the window has passed', async () => {
    const source = new PolicySource(dir);
    assert.equal(source.get(5).lockMode, 'enforce');
    write({ mode: 'advisory' });
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(source.get(5).lockMode, 'advisory');
  });
});
