import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import * as env from './env';

// No Docker engine runs on our machines, so the compose file is checked by reading it: every app, npm script
// and variable it names must exist, or a Docker user would find out the hard way.
const root = path.resolve(__dirname, '../../..');
const compose = parse(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true });
const rootScripts = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).scripts as Record<string, string>;
const knownVariables = new Set(
  [
    env.databaseEnv,
    env.redisEnv,
    env.flowhubEnv,
    env.encryptionEnv,
    env.producerEnv,
    env.scheduleEnv,
    env.healthEnv(0),
    env.logEnv,
    env.simulatorEnv,
    env.webhookEnv,
    env.feedMemoEnv,
  ].flatMap(Object.keys),
);
const services = compose.services as Record<
  string,
  { command?: string[]; environment?: Record<string, string>; healthcheck?: unknown; profiles?: string[] }
>;
const apps = ['producer', 'inventory-worker', 'order-worker', 'flowhub-sim'];

describe('docker-compose.yml', () => {
  it('runs every app, each with a healthcheck, the simulator only under the demo profile', () => {
    for (const app of apps) {
      expect(services[app]).toBeDefined();
      expect(services[app].healthcheck).toBeDefined();
      expect(fs.existsSync(path.join(root, 'apps', app, 'package.json'))).toBe(true);
    }
    expect(services['flowhub-sim'].profiles).toEqual(['demo']);
    expect(services.redis.healthcheck).toBeDefined();
    expect(services.postgres.healthcheck).toBeDefined();
  });

  it('builds every image of the product on Node 24 LTS (Debian bookworm, slim), a Node the root engines admit', () => {
    const dockerfile = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8');
    const bases = [...dockerfile.matchAll(/^FROM\s+(\S+)/gim)].map((match) => match[1]);
    expect(bases).toEqual(['node:24-bookworm-slim', 'node:24-bookworm-slim']);
    for (const [name, service] of Object.entries(services) as [string, { build?: string; image?: string }][]) {
      if (name !== 'redis' && name !== 'postgres') expect({ service: name, build: service.build }).toEqual({ service: name, build: '.' });
    }
    const engines = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).engines.node as string;
    expect(engines.split('||').map((range) => range.trim())).toContain('>=24');
  });

  it('keeps Redis durable and never evicting (BullMQ needs noeviction)', () => {
    expect(services.redis.command).toEqual(expect.arrayContaining(['--appendonly', 'yes', '--maxmemory-policy', 'noeviction']));
  });

  it('calls only npm scripts that exist', () => {
    for (const [name, service] of Object.entries(services)) {
      const command = service.command ?? [];
      if (command[0] !== 'npm') continue;
      const script = command[1] === 'run' ? command[2] : command[1];
      expect({ service: name, script, exists: script in rootScripts }).toEqual({ service: name, script, exists: true });
    }
  });

  it('lets the order-worker finish a push in hand: its stop grace outlasts the create timeout and its own shutdown grace', () => {
    const order = services['order-worker'] as { stop_grace_period?: string };
    const seconds = /^(\d+)s$/.exec(order.stop_grace_period ?? '')?.[1];
    expect(seconds).toBeDefined();
    const createTimeoutMs = env.loadEnv(env.flowhubEnv, {}).FLOWHUB_CREATE_TIMEOUT_MS;
    // The worker waits createTimeoutMs + 5 s (packages/orders/src/shutdown-grace.ts) before exiting anyway.
    expect(Number(seconds) * 1000).toBeGreaterThan(createTimeoutMs + 5_000);
  });

  it('sets only variables the product reads', () => {
    for (const [name, service] of Object.entries(services)) {
      if (!apps.includes(name) && name !== 'migrate') continue;
      for (const variable of Object.keys(service.environment ?? {})) {
        expect({ service: name, variable, known: knownVariables.has(variable) }).toEqual({ service: name, variable, known: true });
      }
    }
  });
});
