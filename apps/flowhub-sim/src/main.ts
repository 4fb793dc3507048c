import { createLogger, handleShutdown, loadEnvOrExit, logEnv, simulatorEnv } from '@flowhub-sync/config';
import { BEHAVIOUR_SWITCHES, type SimBehaviour } from './behaviour';
import type { ClockMode } from './clock';
import { startSimulator } from './simulator';
import { DEMO_LOCATION } from './state';

/** `npm run flowhub-sim`: the demo location on SIM_PORT with SIM_ROWS rows from SIM_SEED, the invented behaviours SIM_BEHAVIOUR names switched on. */
async function main() {
  const env = loadEnvOrExit({ ...simulatorEnv, ...logEnv }, 'flowhub-sim');
  const clock = process.env.SIM_CLOCK || 'real';
  if (clock !== 'real' && clock !== 'manual') {
    process.stderr.write('flowhub-sim: SIM_CLOCK must be real or manual\n');
    process.exit(1);
  }
  const switches = env.SIM_BEHAVIOUR.split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = switches.filter((name) => !(BEHAVIOUR_SWITCHES as readonly string[]).includes(name));
  if (unknown.length > 0) {
    process.stderr.write(
      `flowhub-sim: SIM_BEHAVIOUR names unknown switches ${unknown.join(', ')}; the switches are ${BEHAVIOUR_SWITCHES.join(', ')}\n`,
    );
    process.exit(1);
  }
  const behaviour: Partial<SimBehaviour> = Object.fromEntries(switches.map((name) => [name, true]));
  const logger = createLogger({ name: 'flowhub-sim', level: env.LOG_LEVEL });
  const started = Date.now();
  const sim = await startSimulator({
    port: env.SIM_PORT,
    host: process.env.SIM_HOST || '127.0.0.1',
    rows: env.SIM_ROWS,
    seed: env.SIM_SEED,
    clock: clock as ClockMode,
    behaviour,
    logger,
  });
  logger.info(
    {
      url: sim.url,
      locationId: DEMO_LOCATION.locationId,
      rows: env.SIM_ROWS,
      seed: env.SIM_SEED,
      clock,
      behaviour: switches,
      startupMs: Date.now() - started,
    },
    `Flowhub simulator listening on ${sim.url} (set FLOWHUB_API_URL and FLOWHUB_AUTH_URL to it)`,
  );
  handleShutdown(logger, [() => sim.close()]);
}

main().catch((error) => {
  process.stderr.write(`flowhub-sim failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
