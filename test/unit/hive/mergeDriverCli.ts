// Runs the hive merge driver the way the CLI verb does, for tests that let the real git binary
// call it: `node -r tsx/cjs mergeDriverCli.ts %O %A %B`.
import { mergeDriver } from '../../../server/hive/git/mergeDriver';

const [base, ours, theirs] = process.argv.slice(2);
process.exitCode = base && ours && theirs ? mergeDriver(base, ours, theirs) : 2;
