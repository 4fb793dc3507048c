// The inventory worker's start script names the node flags production runs it with (docs/decisions.md 17 and 18):
// what they do is checked here on the Node that runs the tests (CI: Node 20, then Node 24, the Docker images' own).
import { execFileSync } from 'node:child_process';
import { appNodeFlags } from '@flowhub-sync/testing';

/** Run first in each child below: the young generation's size, and a large sync's allocation. */
const PRELUDE = `
  const v8 = require('node:v8');
  const newSpace = () => v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space').space_size;
  /** Allocates garbage fast with 60 MB live, as a large sync does; calls \`step\` every 10,000 objects. */
  const allocateLikeASync = (step) => {
    let live = [];
    for (let i = 0; i < 3e6; i++) {
      live.push({ row: i, text: 'row ' + i });
      if (live.length > 300000) live = [];
      if (i % 10000 === 0) step();
    }
  };
`;

/** Allocates as a large sync does and reports the largest young generation it saw. */
const YOUNG_GENERATION_UNDER_LOAD = `${PRELUDE}
  let largest = newSpace();
  allocateLikeASync(() => (largest = Math.max(largest, newSpace())));
  process.stdout.write(JSON.stringify({ largestMb: largest / 1048576 }));
`;

/**
 * Allocates as a large sync does, sits idle for a few seconds, then allocates large Buffers (as a sync's first HTTP
 * answer does after an idle spell): V8 collects the young generation for the external memory with almost no
 * JavaScript allocated since its last collection, and a young generation it may shrink, it shrinks to its minimum.
 * Reports the smallest young generation seen after the idle spell.
 */
const YOUNG_GENERATION_AFTER_IDLE = `${PRELUDE}
  allocateLikeASync(() => undefined);
  setTimeout(() => {
    let smallest = newSpace();
    const answers = [];
    for (let i = 0; i < 20; i++) {
      answers.push(Buffer.alloc(16 * 1048576));
      smallest = Math.min(smallest, newSpace());
    }
    process.stdout.write(JSON.stringify({ smallestMb: smallest / 1048576 }));
  }, 3000);
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

  it('keeps V8’s young generation at two 16 MB semi-spaces after the worker sat idle', () => {
    // Without the floor (--min-semi-space-size), Node 20's V8 shrinks it to 1 MB here, as in a worker between two
    // cycles: its next sync then ran twice the scavenges, promoted its rows sooner and paid full collections for them
    // (docs/decisions.md 18). Node 24's V8 does not shrink it here either way.
    const out = execFileSync(process.execPath, [...flags, '-e', YOUNG_GENERATION_AFTER_IDLE], { encoding: 'utf8' });
    const { smallestMb } = JSON.parse(out) as { smallestMb: number };
    expect(smallestMb).toBeGreaterThanOrEqual(16);
  }, 30_000);
});
