import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UnrecoverableError, type Job, type Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { QUEUE_NAMES, queues, scheduleInventorySync, scheduleStatusPoll, type QueueName } from '@flowhub-sync/queues';
import { repoRoot, serviceUrls, waitFor } from '@flowhub-sync/testing';
import { createProducerHarness, type ProducerHarness } from '../testing/harness';
import { startTestWorker } from '@flowhub-sync/queues/testing';

/**
 * Bull Board as an operator sees it: Debian's Chromium driven by playwright-core (docs/architecture.md, "Tooling facts"). Where
 * Chromium is missing this fails, it does not skip: .ci/run installs it.
 * UPDATE_SCREENSHOTS=1 writes the README's docs/images/bull-board.png; otherwise the screenshot goes to a temp dir.
 */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const board = { user: 'ops', password: 'board-password-4567' };
const REFUSAL = 'Flowhub refused the order: a phone number or medical id is required';

let harness: ProducerHarness;
let browser: Browser;
let boardUrl: string;
const contexts: BrowserContext[] = [];

const workers: Array<{ worker: Worker; connection: Redis }> = [];

/**
 * A throwaway worker on one queue, as the real workers would be, left connected so that the board shows
 * each queue being consumed. Waits until the given jobs are finished.
 */
async function work(queue: QueueName, jobs: Job[], processor: (job: Job) => Promise<unknown> = async () => undefined) {
  const connection = new Redis(serviceUrls().REDIS_URL, { maxRetriesPerRequest: null });
  const worker = startTestWorker(queue, processor, { connection, prefix: harness.prefix });
  workers.push({ worker, connection });
  await waitFor(
    async () => {
      const states = await Promise.all(jobs.map((job) => job.getState()));
      return states.every((state) => state === 'completed' || state === 'failed');
    },
    { what: `the ${queue} jobs to finish` },
  );
}

/** A store's day in miniature: its schedules, two menu syncs, two orders pushed and one Flowhub refused. */
async function demoActivity() {
  const { queues: q } = harness.deps;
  // A schedule's first run comes at its staggered slot inside the interval, which may fall within the seconds this test
  // runs (it did once in CI with ten minutes). Thirty days makes that a few chances in a million.
  const MONTH = 30 * 24 * 3_600_000;
  await scheduleInventorySync(q['inventory-sync'], 'demo-store', MONTH);
  await scheduleStatusPoll(q['order-status-poll'], 'demo-store', MONTH);

  const sync = (trigger: 'initial' | 'manual') => {
    const data = { storeId: 'demo-store', trigger, acceptShrink: false };
    return q['inventory-sync'].add(queues['inventory-sync'].jobName(data), data);
  };
  const syncs = [await sync('initial'), await sync('manual')];
  await work('inventory-sync', syncs, async (job) => {
    await job.updateProgress(50);
    await job.updateProgress(100);
    return { fetched: 3000, kept: 2912, created: job.data.trigger === 'initial' ? 2912 : 0, updated: 14, invalid: 6 };
  });

  const push = (externalId: string) => {
    const data = { storeId: 'demo-store', externalId };
    return q['order-push'].add(queues['order-push'].jobName(data), data, { attempts: 1 });
  };
  const pushes = [await push('A-0998'), await push('A-0999'), await push('A-1001')];
  await work('order-push', pushes, async (job) => {
    if (job.data.externalId === 'A-1001') throw new UnrecoverableError(REFUSAL);
    return { flowhubOrderId: `fh-${job.data.externalId}` };
  });
  for (const queue of ['order-status-poll', 'webhook-delivery', 'maintenance'] as const) await work(queue, []);
}

async function newPage(options: Parameters<Browser['newContext']>[0] = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 820 }, ...options });
  contexts.push(context);
  return context.newPage();
}

/** The overview's card of one queue. */
const queueCard = (page: Page, name: string) => page.locator('main li', { has: page.locator(`a[title="${name}"]`) });

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium is missing at ${CHROMIUM}: install Debian's package (apt-get install -y chromium), as .ci/run does`);
  }
  harness = await createProducerHarness({ bullBoard: board });
  await harness.app.listen({ port: 0, host: '127.0.0.1' });
  const address = harness.app.server.address();
  boardUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/admin/queues`;
  await demoActivity();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30_000 });
}, 60_000);

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  for (const { worker, connection } of workers) {
    await worker.close();
    await connection.quit();
  }
  await harness?.close();
});

describe('Bull Board in a browser', () => {
  it('refuses a browser without credentials: a 401, and nothing of the board is loaded', async () => {
    const page = await newPage();
    const responses: Array<{ url: string; status: number }> = [];
    page.on('response', (response) => responses.push({ url: response.url(), status: response.status() }));
    // Chromium ends a refused Basic challenge with no credentials to offer as a failed navigation.
    const answer = await page.goto(boardUrl).catch((error: Error) => error);
    if (!(answer instanceof Error)) expect(answer?.status()).toBe(401);
    expect(responses).toContainEqual({ url: boardUrl, status: 401 });
    expect(responses.filter((response) => response.status !== 401)).toEqual([]);
    // After a refused navigation Chromium shows its own error page; read it once it has settled.
    const content = await waitFor(() => page.content(), { what: 'the page to settle' });
    expect(content).not.toMatch(/order-push|inventory-sync|__UI_CONFIG__/);
  });

  it('refuses wrong credentials with the 401 explanation, not the board', async () => {
    const page = await newPage({ httpCredentials: { username: board.user, password: 'guessed-password' } });
    const answer = await page.goto(boardUrl);
    expect(answer?.status()).toBe(401);
    const text = await page.locator('body').innerText();
    expect(text).toContain('Bull Board needs its user and password');
    expect(text).not.toMatch(/order-push|inventory-sync/);
  });

  it('logs in and shows every queue of the product with its counts', async () => {
    const page = await newPage({ httpCredentials: { username: board.user, password: board.password } });
    const answer = await page.goto(boardUrl);
    expect(answer?.status()).toBe(200);
    expect(await page.title()).toBe('flowhub-sync');
    for (const name of QUEUE_NAMES) await queueCard(page, name).waitFor({ timeout: 15_000 });
    const screenshot =
      process.env.UPDATE_SCREENSHOTS === '1'
        ? path.join(repoRoot, 'docs', 'images', 'bull-board.png')
        : path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bull-board-')), 'bull-board.png');
    fs.mkdirSync(path.dirname(screenshot), { recursive: true });
    await page.screenshot({ path: screenshot });
    expect(fs.readFileSync(screenshot).subarray(1, 4).toString()).toBe('PNG');

    const text = async (locator: Locator) => (await locator.innerText()).replace(/\s+/g, ' ');
    // The status tabs count jobs across queues: two syncs and two pushes done, one push failed, two schedules waiting.
    const tabs = await text(page.locator('main [class^="statusTabs"]'));
    expect(tabs).toMatch(/COMPLETED 4\b/);
    expect(tabs).toMatch(/FAILED 1\b/);
    expect(tabs).toMatch(/DELAYED 2\b/);
    // Each card: its total, and its failures spelled out.
    expect(await text(queueCard(page, 'order-push'))).toMatch(/FAILED 1 3 Jobs/);
    expect(await text(queueCard(page, 'inventory-sync'))).toMatch(/3 Jobs/);
    expect(await text(queueCard(page, 'order-status-poll'))).toMatch(/1 Job\b/);
    expect(await text(queueCard(page, 'webhook-delivery'))).toMatch(/0 Jobs/);
    expect(await text(queueCard(page, 'maintenance'))).not.toMatch(/FAILED/);
  }, 60_000);

  it('opens the failed order push by its name and reads Flowhub’s reason in plain words', async () => {
    const page = await newPage({ httpCredentials: { username: board.user, password: board.password } });
    await page.goto(boardUrl);
    await queueCard(page, 'order-push').locator('a[title="order-push"]').click();
    await page
      .locator('a', { hasText: /^\s*FAILED/ })
      .first()
      .click();
    const job = page.locator('main').getByText('order-push:demo-store:A-1001');
    await job.waitFor({ timeout: 15_000 });
    await page.getByText(REFUSAL).waitFor({ timeout: 15_000 });
    expect(page.url()).toContain('/admin/queues/queue/order-push');
    // Only the failed one is listed under FAILED: the pushed orders are not.
    expect(await page.locator('main').getByText('order-push:demo-store:A-0998').count()).toBe(0);
  }, 60_000);
});
