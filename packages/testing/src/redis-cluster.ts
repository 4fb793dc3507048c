import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, waitFor } from './processes';

export interface LocalRedisCluster {
  /** REDIS_CLUSTER_NODES value: host:port,host:port,host:port */
  nodes: string;
  stop(): Promise<void>;
}

const cli = (port: number, ...args: string[]) => spawnSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' });

/** How many ports a node tries: a free port can be taken by another process before the node binds it. */
const NODE_ATTEMPTS = 5;

/** A real three-master Redis Cluster from Debian's redis-server, on free local ports, for tests. */
export async function startRedisCluster(): Promise<LocalRedisCluster> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-cluster-'));
  const nodes: { port: number; child: ChildProcess }[] = [];
  try {
    for (let i = 0; i < 3; i++) nodes.push(await startClusterNode(dir));
  } catch (error) {
    for (const node of nodes) node.child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const ports = nodes.map((node) => node.port);
  const pids = nodes.map((node) => node.child.pid!);
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

/**
 * One cluster node on a free port, answering. A node whose port was taken meanwhile (by another test's server:
 * the port was free when chosen, not when bound) exits at once: it is started again on another port.
 */
async function startClusterNode(dir: string): Promise<{ port: number; child: ChildProcess }> {
  let output = '';
  for (let attempt = 1; attempt <= NODE_ATTEMPTS; attempt++) {
    const port = await freePort();
    const nodeDir = path.join(dir, String(port));
    fs.mkdirSync(nodeDir, { recursive: true });
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
      { stdio: ['ignore', 'pipe', 'pipe'], detached: false },
    );
    output = '';
    const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-2_000));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    let exited = false;
    child.once('exit', () => (exited = true));
    try {
      // This node, not another server that holds the port: it names its own directory.
      await waitFor(() => cli(port, 'config', 'get', 'dir').stdout.includes(nodeDir), {
        what: `cluster node on port ${port} to start`,
        timeoutMs: 15_000,
        giveUpIf: () => (exited ? `the node on port ${port} exited` : undefined),
      });
      // Redis ignores SIGPIPE: its later log lines are dropped, and no pipe keeps the test's process alive.
      child.stdout!.destroy();
      child.stderr!.destroy();
      return { port, child };
    } catch (error) {
      child.kill('SIGKILL');
      if (!exited && attempt === NODE_ATTEMPTS) throw error;
    }
  }
  throw new Error(`no cluster node started in ${NODE_ATTEMPTS} attempts; the last said: ${output.trim()}`);
}
