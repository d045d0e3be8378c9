// Entry of the replay worker bundle (`replay-worker.js`, beside the host's): a worker thread that
// builds some of the host's read models during a replay of a long log (server/store/replay).
import { hostReadModels } from './host/readModels';
import { serveReplayWorker } from './store/replay/worker';

serveReplayWorker([...hostReadModels]);
