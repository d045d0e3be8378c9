// hive_ready · hive_create · hive_create_epic · hive_query · hive_show · hive_update · hive_claim ·
// hive_close · hive_dep_add · hive_comment, and the `apiary://hive/ready` resource: the hive for
// other agents over MCP. Every call acts as the session's agent (the claim holder); results are
// compact JSON a model can read.
import { z } from 'zod';
import { CELL_TYPES, DEP_TYPES, WORK_STATUSES, type Cell, type CellDetail, type CellSummary } from '../../shared/hive';
import {
  cellIdSchema,
  hiveClaimParamsSchema,
  hiveCloseParamsSchema,
  hiveCommentParamsSchema,
  hiveCreateEpicParamsSchema,
  hiveCreateParamsSchema,
  hiveDepAddParamsSchema,
  hiveListParamsSchema,
  hiveReleaseParamsSchema,
  hiveUpdateParamsSchema,
  prioritySchema,
} from '../../shared/hiveSchemas';
import { defineTool, type McpResource, type McpTool } from '../mcp/tool';
import { invalidParams } from '../rpc/registry';
import type { HiveService } from './service';

/** Parses with a request schema (defaults filled in); a refusal names the bad fields. */
function command<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalidParams(parsed.error);
  return parsed.data;
}

/** MCP arguments (snake_case) as request params (camelCase), leaving out the absent ones. */
function params(args: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) if (v !== undefined) out[k.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase())] = v;
  return out;
}

/** Leaves out empty values, so results stay short. */
function compact<T extends Record<string, unknown>>(value: T): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    out[k] = v;
  }
  return out as Partial<T>;
}

const summary = (c: CellSummary) =>
  compact({
    id: c.id,
    title: c.title,
    type: c.type,
    status: c.status,
    priority: c.priority,
    parent: c.parent,
    assignee: c.assignee,
    labels: c.labels,
    claim: c.claim ? { holder: c.claim.holder, expiresAt: c.claim.expiresAt } : null,
    blocked: c.blocked || null,
  });

const cellOut = (c: Cell) =>
  compact({
    id: c.id,
    title: c.title,
    description: c.description,
    type: c.type,
    status: c.status,
    priority: c.priority,
    parent: c.parent,
    assignee: c.assignee,
    labels: c.labels,
    files: c.files,
    dependencies: c.dependencies.map((d) => ({ dependsOn: d.dependsOn, type: d.type })),
    comments: c.comments.map((m) => ({ author: m.author, text: m.text, at: m.createdAt })),
    claim: c.claim ? { holder: c.claim.holder, expiresAt: c.claim.expiresAt } : null,
    updatedAt: c.updatedAt,
    closeReason: c.closeReason,
  });

const detailOut = (d: CellDetail) =>
  compact({ ...cellOut(d.cell), ready: d.ready, blockedBy: d.blockedBy, blocks: d.blocks, related: d.related, children: d.children.map(summary) });

const id = cellIdSchema.describe('Cell id, e.g. ap-3f8a or ap-3f8a.1');
const priority = prioritySchema.describe('0 most urgent … 4 least; default 2');
const files = z.array(z.string().min(1).max(1000)).max(500).describe('Workspace paths the work expects to touch');
const title = z.string().min(1).max(500);
const description = z.string().max(100_000);
const labels = z.array(z.string().min(1).max(100)).max(50);

export function hiveTools(svc: HiveService): McpTool[] {
  return [
    defineTool({
      name: 'hive_ready',
      description: 'The ready queue: open cells nothing blocks and nobody has claimed, most urgent first. Pick one and hive_claim it before starting.',
      input: z.strictObject({
        limit: z.number().int().min(1).max(100).optional().describe('Default 10'),
        type: z.enum(CELL_TYPES).optional(),
        label: z.string().min(1).max(100).optional(),
      }),
      profile: 'core',
      annotations: { readOnlyHint: true, openWorldHint: false },
      async handler(args) {
        const r = svc.ready({ limit: args.limit ?? 10, ...(args.type ? { type: args.type } : {}), ...(args.label ? { label: args.label } : {}) });
        return { cells: r.cells.map(summary) };
      },
    }),
    defineTool({
      name: 'hive_create',
      description: 'Add a cell (task, bug, feature, chore) to the hive. depends_on lists cells that must close first. Returns the new id.',
      input: z.strictObject({
        title,
        description: description.optional(),
        type: z.enum(CELL_TYPES).optional(),
        priority: priority.optional(),
        parent: id.optional().describe('Epic or cell this one belongs under'),
        labels: labels.optional(),
        files: files.optional(),
        depends_on: z.array(id).max(100).optional(),
      }),
      profile: 'full',
      annotations: { destructiveHint: false, openWorldHint: false },
      async handler(args, call) {
        const cmd = command(hiveCreateParamsSchema, params(args));
        return { cell: cellOut((await svc.create(cmd, call.agent.name)).cell) };
      },
    }),
    defineTool({
      name: 'hive_create_epic',
      description:
        'Create an epic with its subtasks in one step (ids <epic>.1, <epic>.2, …). A subtask\'s depends_on may hold 1-based positions of sibling subtasks or cell ids.',
      input: z.strictObject({
        title,
        description: description.optional(),
        priority: priority.optional(),
        labels: labels.optional(),
        subtasks: z
          .array(
            z.strictObject({
              title,
              description: description.optional(),
              type: z.enum(CELL_TYPES).optional(),
              priority: priority.optional(),
              files: files.optional(),
              depends_on: z.array(z.union([z.number().int().min(1), id])).max(100).optional(),
            }),
          )
          .min(1)
          .max(200),
      }),
      profile: 'full',
      annotations: { destructiveHint: false, openWorldHint: false },
      async handler(args, call) {
        const cmd = command(hiveCreateEpicParamsSchema, { ...params(args), subtasks: args.subtasks.map(params) });
        const r = await svc.createEpic(cmd, call.agent.name);
        return { epic: r.epic.id, subtasks: r.subtasks.map((s) => ({ id: s.id, title: s.title })) };
      },
    }),
    defineTool({
      name: 'hive_query',
      description: 'List cells by status, type, assignee, label, parent or text, most urgent first.',
      input: z.strictObject({
        status: z.array(z.enum(['open', 'in_progress', 'blocked', 'closed', 'deleted'])).min(1).max(5).optional(),
        type: z.array(z.enum(CELL_TYPES)).min(1).max(5).optional(),
        assignee: z.string().min(1).max(100).optional(),
        label: z.string().min(1).max(100).optional(),
        parent: id.optional(),
        text: z.string().min(1).max(200).optional().describe('Words in the id, title or description'),
        limit: z.number().int().min(1).max(200).optional().describe('Default 50'),
      }),
      profile: 'full',
      annotations: { readOnlyHint: true, openWorldHint: false },
      async handler(args) {
        const { label, ...rest } = args;
        const r = svc.list(command(hiveListParamsSchema, { ...params(rest), limit: args.limit ?? 50, ...(label ? { labels: [label] } : {}) }));
        return { total: r.total, cells: r.cells.map(summary) };
      },
    }),
    defineTool({
      name: 'hive_show',
      description: 'One cell in full: description, files, dependencies, what blocks it, its children, comments, claim.',
      input: z.strictObject({ id }),
      profile: 'full',
      annotations: { readOnlyHint: true, openWorldHint: false },
      async handler(args) {
        return detailOut(svc.show({ id: args.id }));
      },
    }),
    defineTool({
      name: 'hive_update',
      description:
        'Change a cell: title, description, status (open, in_progress, blocked), priority, type, labels, files. Changing the status of a cell another agent holds is refused unless force.',
      input: z.strictObject({
        id,
        title: title.optional(),
        description: description.optional(),
        status: z.enum(WORK_STATUSES).optional(),
        priority: priority.optional(),
        type: z.enum(CELL_TYPES).optional(),
        add_labels: labels.optional(),
        remove_labels: labels.optional(),
        files: files.optional(),
        force: z.boolean().optional(),
      }),
      profile: 'full',
      annotations: { destructiveHint: false, openWorldHint: false },
      async handler(args, call) {
        const cmd = command(hiveUpdateParamsSchema, params(args));
        return { cell: cellOut((await svc.change('apiary/hive/update', cmd, call.agent.name)).cell) };
      },
    }),
    defineTool({
      name: 'hive_claim',
      description:
        'Claim a ready cell for yourself (exactly one agent wins a race) and mark it in progress. The claim is a lease: call again before ttl_seconds run out to renew it, or it returns to the queue. release: true gives it back.',
      input: z.strictObject({
        id,
        ttl_seconds: z.number().int().min(5).max(86_400).optional().describe('Lease length, default 600'),
        release: z.boolean().optional(),
      }),
      profile: 'core',
      annotations: { destructiveHint: false, openWorldHint: false },
      async handler(args, call) {
        const agent = call.agent.name;
        if (args.release === true) {
          const r = await svc.change('apiary/hive/release', command(hiveReleaseParamsSchema, { id: args.id, agent }), agent);
          return { released: r.cell.id, status: r.cell.status };
        }
        const cmd = command(hiveClaimParamsSchema, params({ id: args.id, agent, ttl_seconds: args.ttl_seconds }));
        let cell = (await svc.change('apiary/hive/claim', cmd, agent)).cell;
        if (cell.status === 'open') {
          cell = (await svc.change('apiary/hive/update', command(hiveUpdateParamsSchema, { id: args.id, status: 'in_progress' }), agent)).cell;
        }
        return { cell: cellOut(cell) };
      },
    }),
    defineTool({
      name: 'hive_close',
      description: 'Close a cell when its work is done, with a short reason. Closing unblocks the cells waiting for it. Refused if another agent holds it, unless force.',
      input: z.strictObject({ id, reason: z.string().min(1).max(10_000).optional(), force: z.boolean().optional() }),
      profile: 'core',
      annotations: { destructiveHint: false, openWorldHint: false },
      async handler(args, call) {
        const cmd = command(hiveCloseParamsSchema, params(args));
        const r = await svc.change('apiary/hive/close', cmd, call.agent.name);
        return { closed: r.cell.id, reason: r.cell.closeReason };
      },
    }),
    defineTool({
      name: 'hive_dep_add',
      description: 'Record that id depends on depends_on: blocks (id waits for it; cycles are refused), parent-child, related, or discovered-from.',
      input: z.strictObject({ id, depends_on: id, type: z.enum(DEP_TYPES).optional().describe('Default blocks') }),
      profile: 'full',
      annotations: { destructiveHint: false, openWorldHint: false },
      async handler(args, call) {
        const cmd = command(hiveDepAddParamsSchema, params(args));
        const r = await svc.change('apiary/hive/depAdd', cmd, call.agent.name);
        return { cell: cellOut(r.cell) };
      },
    }),
    defineTool({
      name: 'hive_comment',
      description: 'Add a comment to a cell (progress notes, findings, hand-over).',
      input: z.strictObject({ id, text: z.string().min(1).max(20_000) }),
      profile: 'full',
      annotations: { destructiveHint: false, openWorldHint: false },
      async handler(args, call) {
        const r = await svc.change('apiary/hive/comment', command(hiveCommentParamsSchema, { id: args.id, text: args.text }), call.agent.name);
        return { id: r.cell.id, comments: r.cell.comments.length };
      },
    }),
  ];
}

export function hiveResources(svc: HiveService): McpResource[] {
  return [
    {
      uri: 'apiary://hive/ready',
      name: 'Hive ready queue',
      description: 'Open cells nothing blocks and nobody has claimed, most urgent first (updates as the hive changes).',
      dependsOn: ['hive.*'],
      read: async () => ({ cells: svc.ready({ limit: 50 }).cells.map(summary) }),
    },
  ];
}
