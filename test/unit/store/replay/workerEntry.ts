// What a replay worker runs in these specs: the worker side with the specs' read models, less the
// one named by `workerData.without` (a worker that does not know a read model the store has).
import { workerData } from 'node:worker_threads';
import { serveReplayWorker } from '../../../../server/store/replay/worker';
import { replayReadModels } from './readModels';

const without = (workerData as { without?: string } | null)?.without;
serveReplayWorker(replayReadModels().filter((p) => p.name !== without));
