// Prompt caching: the caller marks its stable prefix (tools + system) and the gateway puts
// the cache_control breakpoints on it — the last tool and the last system block — so the
// prefix is written once and read on later calls. The caller's objects are not modified.
import type { CacheControlEphemeral, TextBlockParam, ToolUnion } from '@anthropic-ai/sdk/resources/messages';

export type CacheTtl = '5m' | '1h';

export interface CachedPrefix {
  system?: TextBlockParam[];
  tools?: ToolUnion[];
}

export function placeBreakpoints(system: string | TextBlockParam[] | undefined, tools: ToolUnion[] | undefined, ttl: CacheTtl | undefined): CachedPrefix {
  const blocks: TextBlockParam[] | undefined =
    system === undefined ? undefined : typeof system === 'string' ? [{ type: 'text', text: system }] : system.map((b) => ({ ...b }));
  const toolList = tools?.map((t) => ({ ...t }));
  if (ttl !== undefined) {
    const cacheControl: CacheControlEphemeral = ttl === '1h' ? { type: 'ephemeral', ttl: '1h' } : { type: 'ephemeral' };
    const lastTool: { cache_control?: CacheControlEphemeral | null } | undefined = toolList?.[toolList.length - 1];
    if (lastTool) lastTool.cache_control = cacheControl;
    const lastBlock = blocks?.[blocks.length - 1];
    if (lastBlock) lastBlock.cache_control = cacheControl;
  }
  const out: CachedPrefix = {};
  if (blocks) out.system = blocks;
  if (toolList) out.tools = toolList;
  return out;
}
