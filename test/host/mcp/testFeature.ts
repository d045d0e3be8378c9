// A feature that exists only in tests: it contributes tools and a resource through the same
// Feature.tools / Feature.resources hooks production features use.
import { z } from 'zod';
import type { Feature } from '../../../server/host/feature';
import { defineTool, type AgentIdentity } from '../../../server/mcp/tool';

export const NOTE_STREAM = 'test-notes';

export interface TestFeatureState {
  /** Agents that saw their call aborted (cancelled by the client). */
  aborted: string[];
}

export function testFeature(state: TestFeatureState = { aborted: [] }): Feature {
  return {
    name: 'mcp-test',
    start() {},
    tools: (ctx) => [
      defineTool({
        name: 'test_steps',
        description: 'Counts to `steps`, reporting progress after each step.',
        input: z.strictObject({ steps: z.number().int().min(1).max(50), delayMs: z.number().int().min(0).max(1000).default(5) }),
        profile: 'core',
        async handler(args, call) {
          for (let i = 1; i <= args.steps; i++) {
            await new Promise((r) => setTimeout(r, args.delayMs));
            await call.progress(i, args.steps, `step ${i} of ${args.steps}`);
          }
          return { steps: args.steps, agent: call.agent.name };
        },
      }),
      defineTool({
        name: 'test_wait',
        description: 'Waits until the call is cancelled.',
        input: z.strictObject({}),
        profile: 'full',
        handler(_args, call) {
          return new Promise((resolve) => {
            call.signal.addEventListener('abort', () => {
              state.aborted.push(call.agent.name);
              resolve({ aborted: true });
            });
          });
        },
      }),
      defineTool({
        name: 'test_note',
        description: 'Appends a note for an agent.',
        input: z.strictObject({ to: z.string().min(1), text: z.string().min(1) }),
        output: z.object({ position: z.number() }),
        profile: 'full',
        async handler(args, call) {
          const r = await ctx.store.events.append(NOTE_STREAM, [{ type: 'test.note', data: { to: args.to, text: args.text } }], 'any', { actor: call.agent.name });
          return { position: r.positions[0]! };
        },
      }),
    ],
    resources: (ctx) => [
      {
        uri: 'apiary://test/notes',
        name: 'notes',
        description: 'Notes addressed to the reading agent.',
        dependsOn: ['test.note'],
        concerns: (event, agent: AgentIdentity) => (event.data as { to: string }).to === agent.name,
        async read(reader) {
          const notes = ctx.store.events
            .read({ stream: NOTE_STREAM })
            .map((e) => e.data as { to: string; text: string })
            .filter((n) => n.to === reader.agent.name);
          return { agent: reader.agent.name, notes };
        },
      },
    ],
  };
}
