// How long this disk takes to make one small write durable (O_DSYNC, as the log writes): the
// floor under every durable-append figure, reported so results from different machines compare.
import fs from 'node:fs';
import path from 'node:path';
import { median } from './stats';

export function diskSyncMicros(dir: string, writes = 400): number {
  const file = path.join(dir, 'sync-probe');
  const { O_RDWR, O_CREAT, O_DSYNC } = fs.constants;
  const fd = fs.openSync(file, O_RDWR | O_CREAT | O_DSYNC, 0o600);
  const buf = Buffer.alloc(256, 0x61);
  const samples: number[] = [];
  try {
    for (let i = 0; i < writes; i++) {
      const t = performance.now();
      fs.writeSync(fd, buf, 0, buf.length, i * buf.length);
      samples.push((performance.now() - t) * 1000);
    }
  } finally {
    fs.closeSync(fd);
    fs.rmSync(file, { force: true });
  }
  return median(samples);
}
