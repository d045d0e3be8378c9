// The swarm as a host feature: the service over the hive, coordination and the LLM gateway
// (approvals, learning and memory when they run), its requests, `apiary/swarm/changed` pushes,
// MCP tools, and unfinished runs resumed once the host has started.
import { SwarmChangedNotification, SwarmExplainRequest, SwarmRunRequest, SwarmStatusRequest, SwarmStopRequest, SwarmTranscriptRequest, SWARM_STREAM_PREFIX } from '../../shared/swarm';
import { swarmExplainParamsSchema, swarmRunParamsSchema, swarmStatusParamsSchema, swarmStopParamsSchema, swarmTranscriptParamsSchema } from '../../shared/swarmSchemas';
import type { Feature, HostContext } from '../host/feature';
import type { McpTool } from '../mcp/tool';
import { swarmRunsProjection } from './projection';
import { SwarmService } from './service';
import { swarmTools } from './tools';
import { readSwarmSettings } from './verify';

declare module '../host/services' {
  interface ServiceMap {
    swarm: SwarmService;
  }
}

export function swarmFeature(): Feature {
  let service: SwarmService | undefined;
  return {
    name: 'swarm',
    ownedStreamPrefixes: [SWARM_STREAM_PREFIX],
    projections: [swarmRunsProjection],
    start(ctx, rpc) {
      const settings = readSwarmSettings(ctx.paths.workspace);
      const svc = new SwarmService({
        store: ctx.store,
        workspace: ctx.paths.workspace,
        now: () => ctx.now(),
        log: (level, message) => ctx.log[level](message),
        call: (req) => ctx.services.get('llm').call(req),
        hive: () => ctx.services.get('hive'),
        coordination: () => ctx.services.get('coordination'),
        approvals: () => ctx.services.maybe('approvals'),
        learning: () => ctx.services.maybe('learning'),
        memory: () => ctx.services.maybe('memory'),
        ...(settings.chaosSeed !== undefined ? { chaosSeed: settings.chaosSeed } : {}),
        onChange: (run) => ctx.broadcast(SwarmChangedNotification, { run: run.id, status: run.status }),
      });
      service = svc;
      ctx.services.provide('swarm', svc);
      rpc.on(SwarmRunRequest, swarmRunParamsSchema, async (p) => ({ run: await svc.start(p) }));
      rpc.on(SwarmStatusRequest, swarmStatusParamsSchema, (p) => ({ runs: p.run ? [svc.require(p.run)] : svc.list() }));
      rpc.on(SwarmStopRequest, swarmStopParamsSchema, async (p) => ({ run: await svc.stop(p.run, p.worker) }));
      rpc.on(SwarmExplainRequest, swarmExplainParamsSchema, (p) => svc.explain(p.target));
      rpc.on(SwarmTranscriptRequest, swarmTranscriptParamsSchema, (p) => ({ cell: p.cell, markdown: svc.transcript(p.cell) }));
      // After every feature has started (the services a run needs are all there).
      const resume = setTimeout(() => {
        const resumed = svc.resumeUnfinished();
        if (resumed.length) ctx.log.info(`swarm: resumed ${resumed.length} run(s): ${resumed.join(', ')}`);
      }, 0);
      return {
        async dispose() {
          clearTimeout(resume);
          await svc.dispose();
          service = undefined;
        },
      };
    },
    tools(_ctx: HostContext): McpTool[] {
      return swarmTools(() => service);
    },
  };
}
