// Every read model a host with all its features runs: the store's primitives and each feature's
// own. Replay workers load this list alone, not the features (whose modules bring the MCP and
// model SDKs), so that a worker starts in milliseconds; a spec keeps it equal to what the
// features declare.
import { approvalsProjection } from '../approvals/projection';
import { coordinationProjection } from '../coordination/projection';
import { hiveProjection } from '../hive/projection';
import { learningProjection } from '../learning/projection';
import { llmHistoryProjection } from '../llm/historyProjection';
import { memoryProjection } from '../memory/projection';
import { primitiveProjections, type Projection } from '../store';
import { swarmRunsProjection } from '../swarm/projection';

export const hostReadModels: readonly Projection[] = [
  ...primitiveProjections,
  llmHistoryProjection,
  hiveProjection,
  coordinationProjection,
  approvalsProjection,
  memoryProjection,
  learningProjection,
  swarmRunsProjection,
];
