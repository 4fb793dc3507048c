// The operators' monitoring (README.md, "For operators"): deploy/prometheus/alerts.yml checked and unit-tested by
// promtool, deploy/prometheus/prometheus.yml checked, deploy/grafana/flowhub-sync.json's shape and PromQL checked.
// Whether the metrics these use exist on the processes' /metrics: monitoring-metrics.test.ts.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import {
  alertRules,
  alertTestCases,
  alertsFile,
  alertsTestFile,
  allPanels,
  asPromQL,
  dashboard,
  dashboardExpressions,
  prometheusConfigFile,
  scrapeJobs,
} from './monitoring-queries';

const PRODUCT_JOBS = ['flowhub-sync-producer', 'flowhub-sync-inventory-worker', 'flowhub-sync-order-worker'];

/** Runs promtool; fails with what to install when it is missing (Debian's prometheus package ships it). */
function promtool(...args: string[]): { status: number | null; output: string } {
  const run = spawnSync('promtool', args, { encoding: 'utf8', timeout: 60_000 });
  if ((run.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    throw new Error(
      "promtool is not installed: install Debian's prometheus package for it (`apt-get install --no-install-recommends prometheus`; .ci/run does), or put Prometheus' promtool on PATH",
    );
  }
  if (run.error) throw run.error;
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('the alerting rules (deploy/prometheus/alerts.yml)', () => {
  it('pass `promtool check rules`', () => {
    const result = promtool('check', 'rules', alertsFile);
    expect({ status: result.status, output: result.output }).toMatchObject({ status: 0 });
    expect(result.output).toContain('SUCCESS');
  });

  it('pass their unit tests, `promtool test rules deploy/prometheus/alerts.test.yml`', () => {
    const result = promtool('test', 'rules', alertsTestFile);
    expect({ status: result.status, output: result.output }).toMatchObject({ status: 0 });
    expect(result.output).toContain('SUCCESS');
  });

  it('each has a for:, a severity and the annotations on-call needs', () => {
    const rules = alertRules();
    expect(rules.length).toBeGreaterThanOrEqual(8);
    for (const rule of rules) {
      expect({ alert: rule.alert, for: rule.for }).toEqual({ alert: rule.alert, for: expect.stringMatching(/^\d+[smh]$/) });
      expect({ alert: rule.alert, severity: rule.labels?.severity }).toEqual({
        alert: rule.alert,
        severity: expect.stringMatching(/^(critical|warning)$/),
      });
      expect({ alert: rule.alert, summary: rule.annotations?.summary, description: rule.annotations?.description }).toEqual({
        alert: rule.alert,
        summary: expect.stringMatching(/\S/),
        description: expect.stringMatching(/\S{3}/),
      });
    }
    // Pointers on-call can follow: Bull Board, and the attention list.
    const descriptions = rules.map((rule) => rule.annotations!.description).join('\n');
    expect(descriptions).toContain('Bull Board');
    expect(descriptions).toContain('/orders?attention=true');
  });

  it('cover what operators must hear about', () => {
    const rules = alertRules();
    const using = (metric: string) => rules.filter((rule) => rule.expr.includes(metric)).map((rule) => rule.alert);
    expect(using('flowhub_sync_store_last_good_sync_age_seconds')).not.toHaveLength(0);
    expect(
      rules.some((rule) => rule.expr.includes('flowhub_sync_orders_by_push_state') && rule.expr.includes('needs_reconciliation')),
    ).toBe(true);
    expect(using('flowhub_sync_duplicate_flowhub_orders_total')).not.toHaveLength(0);
    expect(
      rules.some(
        (rule) => rule.expr.includes('flowhub_sync_queue_jobs') && rule.expr.includes('"failed"') && rule.expr.includes('by (queue)'),
      ),
    ).toBe(true);
    expect(rules.some((rule) => rule.expr.includes('flowhub_sync_queue_jobs') && rule.expr.includes('"waiting"'))).toBe(true);
    expect(
      rules.some(
        (rule) =>
          rule.expr.includes('flowhub_sync_flowhub_requests_total') && rule.expr.includes('429') && rule.expr.includes('by (endpoint)'),
      ),
    ).toBe(true);
    expect(
      rules.some(
        (rule) =>
          rule.expr.includes('flowhub_sync_flowhub_requests_total') && rule.expr.includes('5..') && rule.expr.includes('by (endpoint)'),
      ),
    ).toBe(true);
    expect(using('flowhub_sync_webhook_deliveries_total')).not.toHaveLength(0);
    // `up == 0` for exactly the three jobs the example scrape configuration defines.
    const down = rules.find((rule) => /\bup\{/.test(rule.expr) && rule.expr.includes('== 0'));
    expect(down).toBeDefined();
    expect(scrapeJobs().sort()).toEqual([...PRODUCT_JOBS].sort());
    for (const job of PRODUCT_JOBS) expect(down!.expr).toContain(job);
  });

  it('keep per-store series only where the store is the point: every other rule aggregates the store away', () => {
    const perStore = alertRules().filter((rule) => /by \((?:[^)]*,\s*)?store\b/.test(rule.expr));
    expect(perStore.map((rule) => rule.alert).sort()).toEqual([
      'FlowhubSyncOrdersNeedReconciliation',
      'FlowhubSyncOrdersPushFailed',
      'FlowhubSyncStoreSyncStale',
    ]);
    for (const rule of alertRules()) {
      // A metric with a store label is always read through an aggregation (max by (store) at most).
      if (/flowhub_sync_(store_last_good_sync_age_seconds|orders_by_push_state)/.test(rule.expr))
        expect(rule.expr).toMatch(/^\s*max by \(store\)/);
    }
  });

  it('each have a unit test where the alert fires and one where it must not', () => {
    const cases = alertTestCases();
    for (const rule of alertRules()) {
      const own = cases.filter((test) => test.alertname === rule.alert);
      expect({ alert: rule.alert, fires: own.some((test) => (test.exp_alerts ?? []).length > 0) }).toEqual({
        alert: rule.alert,
        fires: true,
      });
      expect({ alert: rule.alert, silent: own.some((test) => (test.exp_alerts ?? []).length === 0) }).toEqual({
        alert: rule.alert,
        silent: true,
      });
    }
  });
});

describe('the example scrape configuration (deploy/prometheus/prometheus.yml)', () => {
  it('passes `promtool check config` (which loads the rules it names)', () => {
    const result = promtool('check', 'config', prometheusConfigFile);
    expect({ status: result.status, output: result.output }).toMatchObject({ status: 0 });
  });
});

describe('the Grafana dashboard (deploy/grafana/flowhub-sync.json)', () => {
  const board = dashboard();
  const panels = allPanels(board).filter((panel) => panel.type !== 'row');

  it('is a dashboard Grafana imports: schemaVersion, uid, a Prometheus datasource variable and a store variable', () => {
    expect(board).toMatchObject({ title: 'flowhub-sync', uid: 'flowhub-sync', schemaVersion: expect.any(Number) });
    expect(board.schemaVersion).toBeGreaterThanOrEqual(36);
    const variables = Object.fromEntries(board.templating.list.map((variable) => [variable.name, variable]));
    expect(variables.datasource).toMatchObject({ type: 'datasource', query: 'prometheus' });
    expect(variables.store).toMatchObject({ type: 'query', datasource: { uid: '${datasource}' } });
    expect(variables.store.definition).toBe('label_values(flowhub_sync_store_last_good_sync_age_seconds, store)');
  });

  it('has panels with unique ids, a place on the grid, and Prometheus targets on the datasource variable', () => {
    const ids = allPanels(board).map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(panels.length).toBeGreaterThanOrEqual(10);
    const cells = new Map<string, string>();
    for (const panel of allPanels(board)) {
      const { h, w, x, y } = panel.gridPos;
      expect({
        title: panel.title,
        fits: [h, w, x, y].every(Number.isInteger) && h > 0 && w > 0 && x >= 0 && x + w <= 24 && y >= 0,
      }).toEqual({ title: panel.title, fits: true });
      // No two panels on one grid cell.
      for (let row = y; row < y + h; row++) {
        for (let column = x; column < x + w; column++) {
          const taken = cells.get(`${row}:${column}`);
          expect({ cell: `${row}:${column}`, taken, by: panel.title }).toEqual({
            cell: `${row}:${column}`,
            taken: undefined,
            by: panel.title,
          });
          cells.set(`${row}:${column}`, panel.title);
        }
      }
    }
    for (const panel of panels) {
      expect({ title: panel.title, datasource: panel.datasource }).toEqual({
        title: panel.title,
        datasource: { type: 'prometheus', uid: '${datasource}' },
      });
      expect(panel.targets?.length ?? 0).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) {
        expect(target).toMatchObject({
          refId: expect.any(String),
          expr: expect.stringMatching(/\S/),
          datasource: { uid: '${datasource}' },
        });
      }
    }
  });

  it('covers queues, syncs, orders, Flowhub requests, webhooks, and the selected stores', () => {
    const expressions = dashboardExpressions(board).join('\n');
    for (const metric of [
      'flowhub_sync_queue_jobs',
      'flowhub_sync_jobs_total',
      'flowhub_sync_inventory_sync_outcomes_total',
      'flowhub_sync_store_last_good_sync_age_seconds',
      'flowhub_sync_order_pushes_total',
      'flowhub_sync_orders_by_push_state',
      'flowhub_sync_flowhub_requests_total',
      'flowhub_sync_webhook_deliveries_total',
    ]) {
      expect(expressions).toContain(metric);
    }
    const perStore = panels.filter((panel) => (panel.targets ?? []).some((target) => target.expr.includes('store=~"$store"')));
    expect(perStore.length).toBeGreaterThanOrEqual(2);
  });

  it("queries are PromQL Prometheus accepts (promtool checks them as recording rules, Grafana's variables filled in)", () => {
    const expressions = dashboardExpressions(board);
    const rules = {
      groups: [
        { name: 'dashboard', rules: expressions.map((expr, index) => ({ record: `dashboard:query_${index}`, expr: asPromQL(expr) })) },
      ],
    };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowhub-dashboard-'));
    try {
      const file = path.join(dir, 'dashboard-queries.yml');
      fs.writeFileSync(file, stringify(rules));
      const result = promtool('check', 'rules', file);
      expect({ status: result.status, output: result.output }).toMatchObject({ status: 0 });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
