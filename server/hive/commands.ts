// Each hive write request: its params schema and its decision. The host's handler for a method
// validates params with `schema`, reads a view of the read model, calls `decide` with the time and
// actor, and appends the events to HIVE_STREAM at the version it read (retrying on a version
// conflict), so two agents racing for one cell cannot both win.
import type { z } from 'zod';
import {
  hiveClaimParamsSchema,
  hiveCloseParamsSchema,
  hiveCommentParamsSchema,
  hiveCreateEpicParamsSchema,
  hiveCreateParamsSchema,
  hiveDeleteParamsSchema,
  hiveDepAddParamsSchema,
  hiveDepRemoveParamsSchema,
  hiveHeartbeatParamsSchema,
  hiveReleaseParamsSchema,
  hiveReopenParamsSchema,
  hiveUpdateParamsSchema,
} from '../../shared/hiveSchemas';
import { decideClaim, decideHeartbeat, decideRelease } from './core/claims';
import { decideCreate, decideCreateEpic } from './core/create';
import { decideClose, decideDelete, decideReopen, decideUpdate } from './core/lifecycle';
import { decideComment, decideDepAdd, decideDepRemove } from './core/links';
import type { DecideContext, Decision, HiveView } from './core/view';

export interface HiveCommand<S extends z.ZodType> {
  schema: S;
  decide: (cmd: z.output<S>, view: HiveView, ctx: DecideContext) => Decision;
}

const command = <S extends z.ZodType>(schema: S, decide: HiveCommand<S>['decide']): HiveCommand<S> => ({ schema, decide });

export const hiveCommands = {
  'apiary/hive/create': command(hiveCreateParamsSchema, decideCreate),
  'apiary/hive/createEpic': command(hiveCreateEpicParamsSchema, decideCreateEpic),
  'apiary/hive/update': command(hiveUpdateParamsSchema, decideUpdate),
  'apiary/hive/claim': command(hiveClaimParamsSchema, decideClaim),
  'apiary/hive/heartbeat': command(hiveHeartbeatParamsSchema, decideHeartbeat),
  'apiary/hive/release': command(hiveReleaseParamsSchema, decideRelease),
  'apiary/hive/close': command(hiveCloseParamsSchema, decideClose),
  'apiary/hive/reopen': command(hiveReopenParamsSchema, decideReopen),
  'apiary/hive/delete': command(hiveDeleteParamsSchema, decideDelete),
  'apiary/hive/depAdd': command(hiveDepAddParamsSchema, decideDepAdd),
  'apiary/hive/depRemove': command(hiveDepRemoveParamsSchema, decideDepRemove),
  'apiary/hive/comment': command(hiveCommentParamsSchema, decideComment),
} as const;

export type HiveCommandMethod = keyof typeof hiveCommands;
