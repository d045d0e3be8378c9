// Benchmarks live with the tests (they compare against reference implementations that are dev
// dependencies); the build puts them beside this bundle in a source checkout.
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../output';

export async function bench(argv: string[]): Promise<number> {
  const file = path.join(__dirname, 'bench.js');
  if (!__filename.endsWith('.js') || !fs.existsSync(file)) {
    throw new UsageError('benchmarks run from a source checkout: `npm run bench -- [store|hive|locks|…] [--json]`');
  }
  const mod = require(file) as { runBenchmarks(argv: string[]): Promise<number> };
  return mod.runBenchmarks(argv);
}
