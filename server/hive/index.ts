// The hive capability for the host: the read model, its queries, the write commands, the pure core
// and the git layer.
export * from './core';
export { hiveCommands } from './commands';
export type { HiveCommand, HiveCommandMethod } from './commands';
export * from './git';
export { applyHiveEvent, HIVE_SCHEMA, hiveProjection } from './projection';
export { allRecords, exportHiveJsonl, findCells, getCell, hiveView, listCells, readyCells, showCell } from './queries';
export { resetStatements, statements, StatementCache } from './statements';
