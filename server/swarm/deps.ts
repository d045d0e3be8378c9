// What a swarm run needs from the host; optional services are reached lazily so a run degrades
// gracefully when approvals, learning or memory are not running.
import type { ApprovalsService } from '../approvals/service';
import type { CoordinationService } from '../coordination/service';
import type { HiveService } from '../hive/service';
import type { LearningService } from '../learning/service';
import type { CallRequest, CallResult } from '../llm/gatewayTypes';
import type { MemoryService } from '../memory/service';
import type { SwarmEvent } from './events';

export interface SwarmDeps {
  workspace: string;
  now(): number;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  append(run: string, event: SwarmEvent): Promise<void>;
  call(req: CallRequest): Promise<CallResult>;
  hive(): HiveService;
  coordination(): CoordinationService;
  approvals?(): ApprovalsService | undefined;
  learning?(): LearningService | undefined;
  memory?(): MemoryService | undefined;
  /** Seed of chaos mode's random choices (tests pass one to make a run repeatable). */
  chaosSeed?: number;
}
