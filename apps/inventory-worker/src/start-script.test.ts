// The inventory worker's start script names the node flags production runs it with (docs/decisions.md 17 and 18):
// what they do is checked here on the Node that runs the tests (CI: Node 20, then Node 24, the Docker images' own).
import { execFileSync } from 'node:child_process';
import { appNodeFlags } from '@flowhub-sync/testing';

/** Allocates garbage fast with 60 MB live, as a large sync does, and reports the largest young generation it saw. */
const YOUNG_GENERATION_UNDER_LOAD = `
  const v8 = require('node:v8');
  const newSpace = () => v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space').space_size;
  let largest = newSpace();
  let live = [];
  for (let i = 0; i < 3e6; i++) {
    live.push({ row: i, text: 'row ' + i });
    if (live.length > 300000) live = [];
    if (i % 10000 === 0) largest = Math.max(largest, newSpace());
  }
  process.stdout.write(JSON.stringify({ largestMb: largest / 1048576 }));
`;

describe('the inventory worker’s start script', () => {
  const flags = appNodeFlags('inventory-worker');

  it('keeps V8’s young generation near two 16 MB semi-spaces under load, whatever this Node’s default', () => {
    // Node 24 would let it grow to 128 MB on this machine: a 50,000-row sync then peaked ~150 MB higher.
    const out = execFileSync(process.execPath, [...flags, '-e', YOUNG_GENERATION_UNDER_LOAD], { encoding: 'utf8' });
    const { largestMb } = JSON.parse(out) as { largestMb: number };
    expect(largestMb).toBeGreaterThan(0);
    // Two semi-spaces of 16 MB (Node 20: 32 MB; Node 24, whose single-threaded collector counts more pages with
    // them: 49–53 MB), against 128 MB unpinned on Node 24.
    expect(largestMb).toBeLessThanOrEqual(64);
  });
});
