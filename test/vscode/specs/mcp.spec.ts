// MCP in the real workbench: a real SDK client outside the editor (over Streamable HTTP, with the
// token from the fixture workspace's .apiary/token) creates an epic and reserves a file; with no
// refresh by anyone the Hive view shows the epic, the file's explorer row shows the holder's
// badge and the Agents section lists the client with what it holds. "Apiary: Connect an Agent…" → VS Code writes
// .vscode/mcp.json with the stdio bridge and no token.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Locator, Page } from 'playwright-core';
import { vscodeRig } from '../support/session';

function exact(text: string): RegExp {
  return new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
}

function explorerRow(page: Page, name: string): Locator {
  return page.locator('.explorer-folders-view .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: exact(name) }) }).first();
}

/** The badge VS Code draws for a decoration (a CSS ::after content) and the row's hover title. */
async function decorationOf(row: Locator): Promise<{ badge: string; title: string }> {
  return row.evaluate((el) => {
    let badge = '';
    for (const node of [el, ...Array.from(el.querySelectorAll('*'))]) {
      const content = getComputedStyle(node, '::after').content;
      if (content && content !== 'none' && content !== 'normal' && content !== '""') badge += content.replace(/^"|"$/g, '');
    }
    const label = el.querySelector('.monaco-icon-label') as HTMLElement | null;
    return { badge, title: label?.title || label?.getAttribute('aria-label') || '' };
  });
}

function body(result: unknown): Record<string, unknown> {
  const first = (result as CallToolResult).content[0];
  if (!first || first.type !== 'text') throw new Error(`no text in ${JSON.stringify(result)}`);
  return JSON.parse(first.text) as Record<string, unknown>;
}

function initials(name: string): string {
  return (name.match(/[A-Z]/g) ?? []).slice(0, 2).join('');
}

describe('VS Code: an MCP client outside the editor', () => {
  let client: Client | undefined;
  after(async () => {
    await client?.close();
  });

  it('creates an epic and reserves a file over HTTP; the Hive view, the explorer badge and the Agents section show it without a refresh', async () => {
    const { workbench, workspace } = vscodeRig();
    const page = workbench.page;
    await workbench.waitForStatusBarItem('Apiary: ready', 90_000);
    const hostJson = JSON.parse(fs.readFileSync(path.join(workspace, '.apiary', 'host.json'), 'utf8')) as { mcp?: { url: string } };
    assert.ok(hostJson.mcp?.url, 'the host advertises its MCP endpoint');
    const token = fs.readFileSync(path.join(workspace, '.apiary', 'token'), 'utf8').trim();
    client = new Client({ name: 'spec-agent', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(hostJson.mcp.url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
    const agent = (body(await client.callTool({ name: 'agent_whoami', arguments: {} })).agent as { name: string }).name;

    const epic = body(await client.callTool({ name: 'hive_create_epic', arguments: { title: 'Greeting overhaul', subtasks: [{ title: 'Rename greet()', files: ['src/greet.ts'] }] } }));
    const subtask = (epic.subtasks as Array<{ id: string }>)[0]!.id;
    const claimed = await client.callTool({ name: 'hive_claim', arguments: { id: subtask } });
    assert.notEqual((claimed as CallToolResult).isError, true, JSON.stringify(claimed));
    const reserved = await client.callTool({ name: 'lock_reserve', arguments: { patterns: ['src/greet.ts'], reason: 'spec over MCP', cell: subtask } });
    assert.notEqual((reserved as CallToolResult).isError, true, JSON.stringify(reserved));

    await workbench.runCommand('View: Show Explorer');
    let row = explorerRow(page, 'greet.ts');
    if (!(await row.isVisible().catch(() => false))) {
      const dir = explorerRow(page, 'src');
      await dir.waitFor({ state: 'visible', timeout: 15_000 });
      if ((await dir.getAttribute('aria-expanded')) !== 'true') await dir.click();
      row = explorerRow(page, 'greet.ts');
    }
    await row.waitFor({ state: 'visible', timeout: 15_000 });
    const decorated = await workbench.until('the MCP agent\'s badge on greet.ts', () => decorationOf(row), (d) => d.badge === initials(agent));
    assert.match(decorated.title, new RegExp(`Reserved by ${agent}`));

    await workbench.openViewContainer('Apiary');
    const hive = await workbench.until('the epic and its subtask in the Hive view', () => workbench.treeRows('Hive'), (r) => r.some((x) => x.label === 'Greeting overhaul') && r.some((x) => x.label === 'Rename greet()'));
    const epicRow = hive.find((x) => x.label === 'Greeting overhaul')!;
    assert.equal(hive.find((x) => x.label === 'Rename greet()')!.level, epicRow.level + 1, 'the subtask sits under its epic');
    const agents = workbench.view('Agents');
    await agents.waitFor({ state: 'visible', timeout: 15_000 });
    const rows = await workbench.until(
      `${agent} and what it holds in the Agents section`,
      () => workbench.treeRows('Agents'),
      (r) => r.some((x) => x.label === agent) && r.some((x) => x.label === 'src/greet.ts') && r.some((x) => x.label.startsWith(subtask)),
    );
    const agentRow = rows.find((x) => x.label === agent)!;
    assert.match(agentRow.description, /^spec-agent · (just now|\d+ s ago) · 1 reserved, 1 claimed$/);
    const lock = rows.find((x) => x.label === 'src/greet.ts')!;
    assert.equal(lock.level, agentRow.level + 1, 'the reservation is listed under its holder');
    assert.match(lock.description, new RegExp(`exclusive · cell ${subtask.replace('.', '\\.')}`));
    // Make room for the Agents section in the screenshot: fold the sections this spec is not about.
    for (const title of ['Cost', 'Inbox', 'Approvals', 'Learning']) {
      const header = workbench.view(title).locator('.pane-header').first();
      if ((await header.getAttribute('aria-expanded').catch(() => null)) === 'true') await header.click();
    }
    await workbench.screenshot('mcp-agents-and-badge');
  });

  it('Connect an Agent… → VS Code writes .vscode/mcp.json with the stdio bridge and no token', async () => {
    const { workbench, workspace } = vscodeRig();
    const page = workbench.page;
    const file = path.join(workspace, '.vscode', 'mcp.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify({ servers: { other: { type: 'http', url: 'http://127.0.0.1:9/mcp' } } }, null, 2));
    await workbench.runCommand('Apiary: Connect an Agent…');
    const pick = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'VS Code' }).first();
    await pick.waitFor({ state: 'visible', timeout: 15_000 });
    await workbench.screenshot('mcp-connect-pick');
    await pick.click();
    await workbench.waitForNotification(/added the apiary server in \.vscode\/mcp\.json/);
    const text = fs.readFileSync(file, 'utf8');
    const config = JSON.parse(text) as { servers: Record<string, { type: string; command?: string; args?: string[] }> };
    assert.deepEqual(Object.keys(config.servers).sort(), ['apiary', 'other'], 'merged: the existing server stays');
    assert.equal(config.servers.apiary!.type, 'stdio');
    assert.deepEqual(config.servers.apiary!.args!.slice(1), ['mcp', '--workspace', workspace]);
    assert.match(config.servers.apiary!.args![0]!, /dist[\\/]cli\.js$/);
    const token = fs.readFileSync(path.join(workspace, '.apiary', 'token'), 'utf8').trim();
    assert.equal(text.includes(token), false, 'the token is not in the file');
    assert.doesNotMatch(text, /Authorization|Bearer/);
    await workbench.waitForText(() => workbench.activeEditorTitle(), /^mcp\.json$/);
    await workbench.screenshot('mcp-connect-vscode');
  });
});
