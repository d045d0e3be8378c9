// Zod schemas for every hive request and for one line of `.hive/issues.jsonl`. The host validates
// with them; shared/hive.ts imports only their inferred types.
import { z } from 'zod';
import { CELL_STATUSES, CELL_TYPES, DEP_TYPES, WORK_STATUSES } from './hive';

/** Beads-style ids: `prefix-hash` with optional `.N` child suffixes (`ap-3f8a.1.2`). */
export const CELL_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_]*(-[A-Za-z0-9_]+)*-[0-9a-z]+(\.[0-9]+)*$/;

export const cellIdSchema = z
  .string()
  .min(3)
  .max(120)
  .regex(CELL_ID_PATTERN, 'a cell id like ap-3f8a or ap-3f8a.1');

export const cellTypeSchema = z.enum(CELL_TYPES);
export const cellStatusSchema = z.enum(CELL_STATUSES);
export const workStatusSchema = z.enum(WORK_STATUSES);
export const depTypeSchema = z.enum(DEP_TYPES);
export const storedDepTypeSchema = z.enum(['blocks', 'related', 'discovered-from']);
export const prioritySchema = z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3), z.literal(4)]);

const title = z.string().trim().min(1, 'a title is required').max(500);
const description = z.string().max(100_000);
const agentName = z.string().trim().min(1).max(100);
const label = z.string().trim().min(1).max(100);
const filePath = z.string().min(1).max(1000);
const metadata = z.record(z.string(), z.unknown());
const reason = z.string().trim().min(1).max(10_000);
const timestamp = z.iso.datetime({ offset: true });

/** A dependency given on creation: an id (blocks) or `{ id, type }`. */
const depRef = z.union([cellIdSchema, z.object({ id: cellIdSchema, type: depTypeSchema.default('blocks') })]);

/** Who a new cell is for and what it carries: the same for a cell, an epic and an epic's subtask. */
const cellContents = {
  assignee: agentName.optional(),
  labels: z.array(label).max(50).default([]),
  files: z.array(filePath).max(500).default([]),
  metadata: metadata.default({}),
};

// ── commands ───────────────────────────────────────────────────────────────────────────────

export const hiveCreateParamsSchema = z.object({
  title,
  description: description.default(''),
  type: cellTypeSchema.default('task'),
  priority: prioritySchema.default(2),
  parent: cellIdSchema.optional(),
  ...cellContents,
  dependsOn: z.array(depRef).max(100).default([]),
});
export type HiveCreateParams = z.input<typeof hiveCreateParamsSchema>;
export type HiveCreateCommand = z.output<typeof hiveCreateParamsSchema>;

/** A subtask's dependencies: a number is the 1-based position of a sibling in `subtasks` (so `1` is `<epic>.1`). */
const subtaskSchema = z.object({
  title,
  description: description.default(''),
  type: cellTypeSchema.default('task'),
  priority: prioritySchema.optional(),
  ...cellContents,
  dependsOn: z.array(z.union([z.number().int().min(1), depRef])).max(100).default([]),
});

export const hiveCreateEpicParamsSchema = z.object({
  title,
  description: description.default(''),
  priority: prioritySchema.default(2),
  parent: cellIdSchema.optional(),
  ...cellContents,
  subtasks: z.array(subtaskSchema).min(1).max(200),
});
export type HiveCreateEpicParams = z.input<typeof hiveCreateEpicParamsSchema>;
export type HiveCreateEpicCommand = z.output<typeof hiveCreateEpicParamsSchema>;

export const hiveUpdateParamsSchema = z.object({
  id: cellIdSchema,
  title: title.optional(),
  description: description.optional(),
  type: cellTypeSchema.optional(),
  status: workStatusSchema.optional(),
  priority: prioritySchema.optional(),
  assignee: agentName.nullable().optional(),
  /** Replaces the label set; addLabels/removeLabels edit it. */
  labels: z.array(label).max(50).optional(),
  addLabels: z.array(label).max(50).optional(),
  removeLabels: z.array(label).max(50).optional(),
  files: z.array(filePath).max(500).optional(),
  /** Merged key by key; a key set to null is removed. */
  metadata: metadata.optional(),
  parent: cellIdSchema.nullable().optional(),
  /** Act even though another agent holds a live claim. */
  force: z.boolean().default(false),
});
export type HiveUpdateParams = z.input<typeof hiveUpdateParamsSchema>;
export type HiveUpdateCommand = z.output<typeof hiveUpdateParamsSchema>;

const ttlSeconds = z.number().int().min(5).max(86_400);
export const DEFAULT_CLAIM_TTL_SECONDS = 600;

export const hiveClaimParamsSchema = z.object({
  id: cellIdSchema,
  /** The claiming agent; defaults to the session's agent. */
  agent: agentName.optional(),
  ttlSeconds: ttlSeconds.default(DEFAULT_CLAIM_TTL_SECONDS),
});
export type HiveClaimParams = z.input<typeof hiveClaimParamsSchema>;
export type HiveClaimCommand = z.output<typeof hiveClaimParamsSchema>;

export const hiveHeartbeatParamsSchema = hiveClaimParamsSchema;
export type HiveHeartbeatParams = z.input<typeof hiveHeartbeatParamsSchema>;
export type HiveHeartbeatCommand = z.output<typeof hiveHeartbeatParamsSchema>;

export const hiveReleaseParamsSchema = z.object({ id: cellIdSchema, agent: agentName.optional() });
export type HiveReleaseParams = z.input<typeof hiveReleaseParamsSchema>;
export type HiveReleaseCommand = z.output<typeof hiveReleaseParamsSchema>;

/** Closing and deleting take the same: the cell, why, and whether to act over another agent's claim. */
export const hiveCloseParamsSchema = z.object({
  id: cellIdSchema,
  reason: reason.optional(),
  force: z.boolean().default(false),
});
export type HiveCloseParams = z.input<typeof hiveCloseParamsSchema>;
export type HiveCloseCommand = z.output<typeof hiveCloseParamsSchema>;

export const hiveReopenParamsSchema = z.object({ id: cellIdSchema, reason: reason.optional() });
export type HiveReopenParams = z.input<typeof hiveReopenParamsSchema>;
export type HiveReopenCommand = z.output<typeof hiveReopenParamsSchema>;

export const hiveDeleteParamsSchema = hiveCloseParamsSchema;
export type HiveDeleteParams = z.input<typeof hiveDeleteParamsSchema>;
export type HiveDeleteCommand = z.output<typeof hiveDeleteParamsSchema>;

export const hiveDepAddParamsSchema = z.object({
  /** The dependent cell (for blocks: the one that waits). */
  id: cellIdSchema,
  dependsOn: cellIdSchema,
  type: depTypeSchema.default('blocks'),
});
export type HiveDepAddParams = z.input<typeof hiveDepAddParamsSchema>;
export type HiveDepAddCommand = z.output<typeof hiveDepAddParamsSchema>;

export const hiveDepRemoveParamsSchema = z.object({
  id: cellIdSchema,
  dependsOn: cellIdSchema,
  /** Absent: every dependency between the two. */
  type: depTypeSchema.optional(),
});
export type HiveDepRemoveParams = z.input<typeof hiveDepRemoveParamsSchema>;
export type HiveDepRemoveCommand = z.output<typeof hiveDepRemoveParamsSchema>;

export const hiveCommentParamsSchema = z.object({ id: cellIdSchema, text: z.string().trim().min(1).max(20_000) });
export type HiveCommentParams = z.input<typeof hiveCommentParamsSchema>;
export type HiveCommentCommand = z.output<typeof hiveCommentParamsSchema>;

// ── queries ────────────────────────────────────────────────────────────────────────────────

const oneOrMany = <T extends z.ZodType>(item: T) =>
  z.union([item, z.array(item).min(1).max(10)]).transform((v) => (Array.isArray(v) ? v : [v]) as z.output<T>[]);

export const hiveListParamsSchema = z.object({
  status: oneOrMany(cellStatusSchema).optional(),
  type: oneOrMany(cellTypeSchema).optional(),
  /** null: unassigned only. */
  assignee: agentName.nullable().optional(),
  /** Every label listed must be present. */
  labels: z.array(label).max(20).optional(),
  priority: prioritySchema.optional(),
  /** Priority at most this urgent number (0..N). */
  priorityMax: prioritySchema.optional(),
  /** Direct children of this cell. */
  parent: cellIdSchema.optional(),
  /** Case-insensitive substring of id, title or description. */
  text: z.string().min(1).max(200).optional(),
  /** Tombstones are left out unless asked for. */
  includeDeleted: z.boolean().default(false),
  limit: z.number().int().min(1).max(10_000).default(200),
  offset: z.number().int().min(0).default(0),
});
export type HiveListParams = z.input<typeof hiveListParamsSchema>;
export type HiveListQuery = z.output<typeof hiveListParamsSchema>;

export const hiveReadyParamsSchema = z.object({
  limit: z.number().int().min(1).max(1000).default(50),
  assignee: agentName.optional(),
  type: cellTypeSchema.optional(),
  label: label.optional(),
});
export type HiveReadyParams = z.input<typeof hiveReadyParamsSchema>;
export type HiveReadyQuery = z.output<typeof hiveReadyParamsSchema>;

export const hiveShowParamsSchema = z.object({ id: cellIdSchema });
export type HiveShowParams = z.input<typeof hiveShowParamsSchema>;

export const hiveFindParamsSchema = z.object({
  text: z.string().trim().min(1).max(200),
  limit: z.number().int().min(1).max(500).default(20),
});
export type HiveFindParams = z.input<typeof hiveFindParamsSchema>;
export type HiveFindQuery = z.output<typeof hiveFindParamsSchema>;

// ── git and files ──────────────────────────────────────────────────────────────────────────

export const hiveSyncParamsSchema = z.object({
  message: z.string().trim().min(1).max(2000).optional(),
  pull: z.boolean().default(true),
  push: z.boolean().default(true),
  remote: z.string().min(1).max(200).optional(),
});
export type HiveSyncParams = z.input<typeof hiveSyncParamsSchema>;

export const hiveImportParamsSchema = z.object({
  /** Read a beads `.beads/issues.jsonl` instead of `.hive/issues.jsonl`. */
  beads: z.boolean().default(false),
  path: z.string().min(1).max(4096).optional(),
});
export type HiveImportParams = z.input<typeof hiveImportParamsSchema>;

export const hiveExportParamsSchema = z.object({
  beads: z.boolean().default(false),
  path: z.string().min(1).max(4096).optional(),
});
export type HiveExportParams = z.input<typeof hiveExportParamsSchema>;

// ── the file ───────────────────────────────────────────────────────────────────────────────

/** One line of `.hive/issues.jsonl`. Omitted keys take their empty value. */
export const cellRecordSchema = z.object({
  id: cellIdSchema,
  title: z.string().max(500),
  description: z.string().default(''),
  type: cellTypeSchema.default('task'),
  status: cellStatusSchema.default('open'),
  priority: prioritySchema.default(2),
  parent: cellIdSchema.nullable().default(null),
  assignee: z.string().nullable().default(null),
  labels: z.array(z.string()).default([]),
  files: z.array(z.string()).default([]),
  dependencies: z
    .array(
      z.object({
        dependsOn: cellIdSchema,
        type: storedDepTypeSchema,
        createdAt: timestamp,
        createdBy: z.string().default(''),
      }),
    )
    .default([]),
  comments: z
    .array(z.object({ id: z.number().int().min(1), author: z.string(), text: z.string(), createdAt: timestamp }))
    .default([]),
  metadata: metadata.default({}),
  createdAt: timestamp,
  updatedAt: timestamp,
  closedAt: timestamp.nullable().default(null),
  closeReason: z.string().nullable().default(null),
  deletedAt: timestamp.nullable().default(null),
  deleteReason: z.string().nullable().default(null),
});
