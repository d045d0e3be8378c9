// The hive's pure core: decisions, ids, transitions, cycles, the JSONL format, merge, beads.
export { decideClaim, decideHeartbeat, decideRelease, sweepExpiredClaims } from './claims';
export { decideCreate, decideCreateEpic } from './create';
export { findCycle, formatCycle } from './cycles';
export { childId, childNumber, compareIds, DEFAULT_ID_PREFIX, hashId, idLengthFor, newCellId } from './ids';
export { CELL_KEY_ORDER, parseJsonl, renderHiveFile, serializeJsonl, serializeRecord } from './jsonl';
export type { ParsedJsonl, UnparsedLine } from './jsonl';
export { decideClose, decideDelete, decideReopen, decideUpdate } from './lifecycle';
export { decideComment, decideDepAdd, decideDepRemove } from './links';
export { mergeHive } from './merge';
export type { HiveMergeResult, MergeConflict, MergeOptions } from './merge';
export { beadsImportEvents, parseBeadsJsonl, toBeadsJsonl } from './beads';
export { normalizeRecord, recordsEqual, toRecord } from './record';
export { assertTransition, canTransition } from './transitions';
export { iso, liveClaim } from './view';
export type { DecideContext, Decision, HiveView } from './view';
