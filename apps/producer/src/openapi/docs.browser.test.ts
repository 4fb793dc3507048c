import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { createProducerHarness, type ProducerHarness } from '../testing/harness';
import { openApiDocument, operations } from './api-document';

/**
 * /docs as an engineer sees it: Debian's Chromium driven by playwright-core, as for Bull Board (docs/architecture.md, "Tooling facts").
 * Where Chromium is missing this fails, it does not skip: .ci/run installs it. Every request the page makes
 * is answered by the producer itself (no CDN); the screenshot goes to a temp dir.
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

let harness: ProducerHarness;
let browser: Browser;
let origin: string;

beforeAll(async () => {
  harness = await createProducerHarness();
  origin = await harness.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30_000 });
});

afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

it('renders every operation of the document, with nothing fetched from elsewhere and no errors', async () => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const elsewhere: string[] = [];
  const failed: string[] = [];
  page.on('request', (request) => {
    if (!request.url().startsWith(origin) && !request.url().startsWith('data:')) elsewhere.push(request.url());
  });
  page.on('response', (response) => {
    if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
  });
  page.on('pageerror', (error) => failed.push(`page error: ${error.message}`));

  await page.goto(`${origin}/docs`);
  await page.locator('.opblock').first().waitFor({ timeout: 15_000 });
  expect(await page.locator('.info .title').innerText()).toContain('flowhub-sync producer API');
  // The operations, then the webhooks the product sends (OpenAPI 3.1 `webhooks`), each a block of its own.
  const webhooks = Object.values(openApiDocument().webhooks).flatMap((item) => Object.keys(item));
  expect(await page.locator('.opblock').count()).toBe(operations.length + webhooks.length);
  // Each webhook the product sends is one block, named by its operationId on a line of its own.
  const blockNames = (await page.locator('.opblock').allInnerTexts()).map((text) => text.split('\n').map((line) => line.trim()));
  for (const name of ['statusWebhook', 'menuSyncedWebhook']) expect(blockNames.filter((lines) => lines.includes(name))).toHaveLength(1);
  // An operation opens on its description, parameters, request body and answers.
  const createOrder = page.locator('#operations-Orders-createOrder');
  expect(await createOrder.innerText()).toContain("A new online order: holds its items' quantities at once");
  await createOrder.locator('.opblock-summary').click();
  await createOrder.locator('.opblock-body').waitFor();
  const opened = await createOrder.innerText();
  expect(opened).toContain('creates and confirms in one call');
  expect(opened).toContain('storeId');
  expect(opened).toContain('"externalId"');
  const statuses = await createOrder
    .locator('.responses-table tr.response')
    .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-code')));
  expect(statuses).toEqual(['200', '201', '400', '401', '404', '409', '503']);
  // Swagger UI lists what it could not resolve or parse in an errors box.
  expect(await page.locator('.errors-wrapper').count()).toBe(0);
  // The bearer scheme is offered for the protected routes.
  expect(await page.locator('button.authorize').count()).toBe(1);

  await createOrder.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(os.tmpdir(), 'flowhub-sync-docs.png'), fullPage: false });
  expect(elsewhere).toEqual([]);
  expect(failed).toEqual([]);
  await context.close();
});
