import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, waitFor } from './processes';

export interface LocalRedisCluster {
  /** REDIS_CLUSTER_NODES value: host:port,host:port,host:port */
  nodes: string;
  stop(): Promise<void>;
}

/** A real three-master Redis Cluster from Debian's redis-server, on free local ports, for tests. */
export async function startRedisCluster(): Promise<LocalRedisCluster> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-cluster-'));
  const ports = [await freePort(), await freePort(), await freePort()];
  const pids: number[] = [];
  for (const port of ports) {
    const nodeDir = path.join(dir, String(port));
    fs.mkdirSync(nodeDir);
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        nodeDir,
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        'nodes.conf',
        '--cluster-node-timeout',
        '2000',
        '--appendonly',
        'yes',
        '--maxmemory-policy',
        'noeviction',
        '--save',
        '',
      ],
      { stdio: 'ignore', detached: false },
    );
    pids.push(child.pid!);
  }
  const cli = (port: number, ...args: string[]) => spawnSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' });
  await waitFor(() => ports.every((port) => cli(port, 'ping').stdout.trim() === 'PONG'), {
    what: 'cluster nodes to start',
    timeoutMs: 10_000,
  });
  const create = spawnSync(
    'redis-cli',
    ['--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-replicas', '0', '--cluster-yes'],
    {
      encoding: 'utf8',
    },
  );
  if (create.status !== 0) throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
  await waitFor(() => ports.every((port) => cli(port, 'cluster', 'info').stdout.includes('cluster_state:ok')), {
    what: 'the cluster to be ok',
    timeoutMs: 15_000,
  });
  return {
    nodes: ports.map((port) => `127.0.0.1:${port}`).join(','),
    async stop() {
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          /* already gone */
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
