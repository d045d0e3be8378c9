// The coordination specs' host: the shared in-process host, with the coordination service at hand.
import type { CoordinationService } from '../../../server/coordination/service';
import { startInProcessHost, type InProcessHost } from '../support/inProcessHost';

export { writeConfig } from '../support/inProcessHost';
export { collect, MINUTE, refusal, until } from '../support/waiting';

export interface CoordHost extends InProcessHost {
  service(): CoordinationService;
}

export async function startCoordHost(opts: { workspace?: string; config?: unknown } = {}): Promise<CoordHost> {
  const h = await startInProcessHost(opts);
  return { ...h, service: () => h.host.ctx.services.get('coordination') };
}
