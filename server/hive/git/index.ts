// The hive's git layer: commit `.hive/`, sync with a remote, merge the hive file by meaning.
export { installMergeDriver } from './attributes';
export type { MergeDriverSetup } from './attributes';
export { filesChangedOnBothSides } from './changes';
export { commitHiveDir, DEFAULT_AUTHOR, HIVE_DIR, hiveAuthor } from './commit';
export type { GitAuthor } from './commit';
export { HIVE_FILE, HIVE_GITATTRIBUTES_LINE, hiveMergeDriver, MERGE_DRIVER_COMMAND, MERGE_DRIVER_NAME, mergeDriver } from './mergeDriver';
export { syncHive } from './sync';
export type { HiveSyncOptions } from './sync';
