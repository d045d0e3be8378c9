import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readMcpConfig } from '../../../server/mcp/config';

describe('reading the MCP settings', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apiary-config-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (text: string): void => fs.writeFileSync(path.join(dir, 'config.json'), text);

  it('gives the full profile on a free port when there is no config file', () => {
    assert.deepEqual(readMcpConfig(dir), { config: { tools: 'full', port: 0 }, warnings: [] });
  });

  it('reads tools and port, and ignores other sections', () => {
    write(JSON.stringify({ mcp: { tools: 'core', port: 8123 }, other: { x: 1 } }));
    assert.deepEqual(readMcpConfig(dir), { config: { tools: 'core', port: 8123 }, warnings: [] });
    write(JSON.stringify({ other: true }));
    assert.deepEqual(readMcpConfig(dir).config, { tools: 'full', port: 0 });
  });

  it('falls back to the defaults, saying why, when the file is not JSON or the values are wrong', () => {
    write('{ mcp: ');
    const a = readMcpConfig(dir);
    assert.deepEqual(a.config, { tools: 'full', port: 0 });
    assert.match(a.warnings[0]!, /not JSON/);
    write(JSON.stringify({ mcp: { tools: 'all', port: 70000 } }));
    const b = readMcpConfig(dir);
    assert.deepEqual(b.config, { tools: 'full', port: 0 });
    assert.match(b.warnings[0]!, /mcp\.tools/);
    assert.match(b.warnings[0]!, /mcp\.port/);
  });
});
