// `.apiary/config.json`: local settings of this workspace's host (never committed, like the rest
// of `.apiary/`). Only the `mcp` section is read here:
//   { "mcp": { "tools": "core" | "full", "port": 8123 } }
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { ToolProfile } from './tool';

const mcpConfigSchema = z.object({
  tools: z.enum(['core', 'full']).default('full'),
  /** Absent or 0: a free port is chosen at every start. */
  port: z.number().int().min(0).max(65535).default(0),
});

const configSchema = z.object({ mcp: mcpConfigSchema.default({ tools: 'full', port: 0 }) }).loose();

export interface McpConfig {
  tools: ToolProfile;
  port: number;
}

export const CONFIG_FILE = 'config.json';

/**
 * Reads the MCP settings. A missing file gives the defaults; an unreadable or invalid one also
 * does, and `warnings` says what was ignored, so a typo never keeps the host from starting.
 */
export function readMcpConfig(apiaryDir: string): { config: McpConfig; warnings: string[] } {
  const file = path.join(apiaryDir, CONFIG_FILE);
  const defaults: McpConfig = { tools: 'full', port: 0 };
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return { config: defaults, warnings: [] };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { config: defaults, warnings: [`${file} is not JSON (${(err as Error).message}): using the default MCP settings`] };
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    return { config: defaults, warnings: [`${file} has invalid MCP settings (${issues}): using the defaults`] };
  }
  return { config: parsed.data.mcp, warnings: [] };
}
