// Every tool and resource the host offers, gathered once from the features, with the JSON
// Schemas clients see (derived from the same zod schemas that validate the calls).
import { z } from 'zod';
import type { McpResource, McpTool, ToolProfile } from './tool';

const TOOL_NAME = /^[a-z][a-z0-9]*(_[a-z0-9]+)+$/;

export interface ToolListing {
  name: string;
  description: string;
  inputSchema: { type: 'object'; [key: string]: unknown };
  outputSchema?: { type: 'object'; [key: string]: unknown };
  annotations?: McpTool['annotations'];
}

export class Catalog {
  private readonly tools = new Map<string, McpTool>();
  private readonly listings = new Map<string, ToolListing>();
  private readonly resources = new Map<string, McpResource>();

  constructor(tools: McpTool[], resources: McpResource[]) {
    for (const t of tools) {
      if (!TOOL_NAME.test(t.name)) throw new Error(`MCP tool name ${t.name} is not snake_case with a domain prefix`);
      if (this.tools.has(t.name)) throw new Error(`MCP tool ${t.name} is contributed twice`);
      this.tools.set(t.name, t);
      this.listings.set(t.name, listing(t));
    }
    for (const r of resources) {
      if (this.resources.has(r.uri)) throw new Error(`MCP resource ${r.uri} is contributed twice`);
      this.resources.set(r.uri, r);
    }
  }

  tool(name: string): McpTool | undefined {
    return this.tools.get(name);
  }

  /** The tools a session with this profile sees. */
  list(profile: ToolProfile): ToolListing[] {
    return [...this.tools.values()].filter((t) => inProfile(t, profile)).map((t) => this.listings.get(t.name)!);
  }

  toolNames(profile: ToolProfile): string[] {
    return this.list(profile).map((t) => t.name);
  }

  resource(uri: string): McpResource | undefined {
    return this.resources.get(uri);
  }

  allResources(): McpResource[] {
    return [...this.resources.values()];
  }
}

export function inProfile(tool: McpTool, profile: ToolProfile): boolean {
  return profile === 'full' || tool.profile === 'core';
}

/** JSON Schema for the wire: what the model must send (input) or will get (output). */
function jsonSchema(schema: z.ZodObject, io: 'input' | 'output'): { type: 'object'; [key: string]: unknown } {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  // `$schema` costs tokens in every tools/list and no client needs it.
  delete json.$schema;
  return { ...json, type: 'object' };
}

function listing(t: McpTool): ToolListing {
  const l: ToolListing = { name: t.name, description: t.description, inputSchema: jsonSchema(t.input, 'input') };
  if (t.output) l.outputSchema = jsonSchema(t.output, 'output');
  if (t.annotations) l.annotations = t.annotations;
  return l;
}
