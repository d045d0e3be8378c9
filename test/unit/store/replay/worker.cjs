// A worker thread starts without the TypeScript loader the test run has: register it, then run
// the TypeScript entry.
require('tsx/cjs');
require('./workerEntry.ts');
