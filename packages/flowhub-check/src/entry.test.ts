import { execFile } from 'node:child_process';
import path from 'node:path';
import { startSimulator, type RunningSimulator } from '@flowhub-sync/flowhub-sim';
import type { CheckReport } from './check';
import { API_KEY, catalogueFacts, OA_SECRET, SIM_LOCATIONS, simEnv } from './testing/check-kit';

// `npm run flowhub:check` runs scripts/flowhub-check.mjs: the TypeScript sources as they are, no build.
const root = path.resolve(__dirname, '../../..');
const script = path.join(root, 'scripts', 'flowhub-check.mjs');

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ locations: SIM_LOCATIONS });
});
afterAll(() => sim.close());

/** The script as a child process (asynchronously: the simulator answers from this process). */
function runScript(args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [script, ...args],
      { cwd: root, env: { PATH: process.env.PATH, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        resolve({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

describe('scripts/flowhub-check.mjs', () => {
  it('exits 0 after the ok line, without a build', async () => {
    const { status, stdout } = await runScript([], simEnv(sim));
    const expected = catalogueFacts(sim.state.location('loc-main')!);
    expect(stdout.endsWith(`\nflowhub:check: ok, ${expected.rows} rows, ${expected.invalid} invalid\n`)).toBe(true);
    expect(status).toBe(0);
    for (const secret of [API_KEY, OA_SECRET]) expect(stdout).not.toContain(secret);
  });

  it('exits 1 after the failed line', async () => {
    const { status, stdout } = await runScript([], simEnv(sim, { FLOWHUB_LOCATION_ID: 'loc-south' }));
    expect(stdout.trimEnd().split('\n').pop()).toMatch(/^flowhub:check: failed: clientsLocations: location loc-south is not among/);
    expect(status).toBe(1);
  });

  it('prints only the JSON object with --json', async () => {
    const { status, stdout } = await runScript(['--json'], simEnv(sim, { FLOWHUB_API_KEY: 'rejected-key-0123456789' }));
    const report = JSON.parse(stdout) as CheckReport;
    expect(report.ok).toBe(false);
    expect(report.result).toMatch(/^flowhub:check: failed: clientsLocations: Flowhub rejected the inventory credentials/);
    expect(report.locations.error).toEqual({ kind: 'credentials_rejected', status: 403 });
    expect(stdout).not.toContain('rejected-key-0123456789');
    expect(status).toBe(1);
  });
});
