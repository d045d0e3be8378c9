// The host part of the locks benchmark: reserve + release through a real agent host (every
// feature of hostFeatures(), durable log, sql.js read model) from a client on its socket with
// the real JSON-RPC library — what an agent pays per reservation, end to end.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createMessageConnection, SocketMessageReader, SocketMessageWriter } from 'vscode-jsonrpc/node';
import { AgentRegisterRequest, LockReleaseRequest, LockReserveRequest } from '../../../shared/coordination';
import { HelloRequest } from '../../../shared/protocol';
import { Host } from '../../../server/host/host';
import { hostFeatures } from '../../../server/main';
import { median, now } from './stats';

export interface HostRoundTrip {
  /** Median milliseconds of one reserve followed by its release. */
  medianMs: number;
  /** Reservations other agents held meanwhile (the reserve checks against them). */
  background: number;
}

export async function hostRoundTrip(runs: number, background: number): Promise<HostRoundTrip> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apiary-bench-locks-'));
  const host = await Host.start({ workspace: dir, features: hostFeatures(), sink: () => {} });
  const socket = await new Promise<net.Socket>((resolve, reject) => {
    const s = net.connect(host.info().socket);
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
  const conn = createMessageConnection(new SocketMessageReader(socket), new SocketMessageWriter(socket));
  conn.listen();
  try {
    await conn.sendRequest(HelloRequest, { client: { name: 'bench', kind: 'cli' } });
    await conn.sendRequest(AgentRegisterRequest, { name: 'Bench', kind: 'cli' });
    await conn.sendRequest(AgentRegisterRequest, { name: 'Other', kind: 'cli' });
    for (let i = 0; i < background; i++) {
      await conn.sendRequest(LockReserveRequest, { agent: 'Other', patterns: [`packages/p${i}/src/**`] });
    }
    const samples: number[] = [];
    for (let i = 0; i < runs + 20; i++) {
      const pattern = `app/m${i % 50}/**/*.ts`;
      const start = now();
      await conn.sendRequest(LockReserveRequest, { agent: 'Bench', patterns: [pattern] });
      await conn.sendRequest(LockReleaseRequest, { agent: 'Bench', patterns: [pattern] });
      // The first runs warm up the JIT, the statement caches and the log.
      if (i >= 20) samples.push(now() - start);
    }
    return { medianMs: median(samples), background };
  } finally {
    conn.dispose();
    socket.destroy();
    await host.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
