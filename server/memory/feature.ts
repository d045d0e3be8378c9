// Shared memory as a host feature: the read model, the service (provided as `memory`), request
// handlers and the MCP tools. Embeddings are used when APIARY_EMBEDDINGS_URL is set.
import { MemoryExportRequest, MemoryFindRequest, MemoryForgetRequest, MemoryImportRequest, MemoryStoreRequest, MemoryValidateRequest } from '../../shared/memory';
import {
  memoryExportParamsSchema,
  memoryFindParamsSchema,
  memoryForgetParamsSchema,
  memoryImportParamsSchema,
  memoryStoreParamsSchema,
  memoryValidateParamsSchema,
} from '../../shared/memorySchemas';
import type { Feature } from '../host/feature';
import { embeddingsConfigFromEnv, httpEmbedder, type Embedder } from './embeddings';
import { MEMORY_STREAM_PREFIX } from './events';
import { memoryProjection, readMemories } from './projection';
import { MemoryService } from './service';
import { memoryTools } from './tools';

declare module '../host/services' {
  interface ServiceMap {
    memory: MemoryService;
  }
}

export interface MemoryFeatureOptions {
  /** Overrides the environment's embeddings configuration (null: none). */
  embedder?: Embedder | null;
  env?: Record<string, string | undefined>;
}

export function memoryFeature(opts: MemoryFeatureOptions = {}): Feature {
  let service: MemoryService | undefined;
  return {
    name: 'memory',
    projections: [memoryProjection],
    ownedStreamPrefixes: [MEMORY_STREAM_PREFIX],
    start(ctx, rpc) {
      let embedder: Embedder | null = null;
      if (opts.embedder !== undefined) embedder = opts.embedder;
      else {
        const cfg = embeddingsConfigFromEnv(opts.env ?? process.env);
        if (cfg) {
          embedder = httpEmbedder(cfg);
          ctx.log.info(`Memory: embeddings from ${cfg.provider} at ${cfg.url} (${cfg.model}), fused with lexical ranking.`);
        }
      }
      const svc = new MemoryService({
        events: ctx.store.events,
        initial: readMemories(ctx.store.db),
        workspace: ctx.paths.workspace,
        now: () => ctx.now(),
        embedder,
        log: (level, message) => ctx.log[level](message),
      });
      service = svc;
      ctx.services.provide('memory', svc);
      rpc.on(MemoryStoreRequest, memoryStoreParamsSchema, (p, session) => svc.store(p, session.name));
      rpc.on(MemoryFindRequest, memoryFindParamsSchema, (p) => svc.find(p));
      rpc.on(MemoryValidateRequest, memoryValidateParamsSchema, (p, session) => svc.validate(p.id, session.name));
      rpc.on(MemoryForgetRequest, memoryForgetParamsSchema, (p, session) => svc.forget(p.id, session.name, p.reason));
      rpc.on(MemoryExportRequest, memoryExportParamsSchema, () => svc.exportFile());
      rpc.on(MemoryImportRequest, memoryImportParamsSchema, (_p, session) => svc.importFile(session.name));
      return {
        dispose() {
          svc.dispose();
          service = undefined;
        },
      };
    },
    tools: () => memoryTools(() => service),
  };
}
