// What the monitoring tests read from deploy/: the alerting rules, the example scrape configuration and the Grafana
// dashboard, with the PromQL of each and the metric names those expressions use.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '@flowhub-sync/testing';

export const deployDir = path.join(repoRoot, 'deploy');
export const alertsFile = path.join(deployDir, 'prometheus', 'alerts.yml');
export const alertsTestFile = path.join(deployDir, 'prometheus', 'alerts.test.yml');
export const prometheusConfigFile = path.join(deployDir, 'prometheus', 'prometheus.yml');
export const dashboardFile = path.join(deployDir, 'grafana', 'flowhub-sync.json');

export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export function alertRules(): AlertRule[] {
  const document = parse(fs.readFileSync(alertsFile, 'utf8')) as { groups: { name: string; rules: AlertRule[] }[] };
  return document.groups.flatMap((group) => group.rules);
}

export interface AlertTestCase {
  eval_time: string;
  alertname: string;
  exp_alerts?: { exp_labels?: Record<string, string>; exp_annotations?: Record<string, string> }[];
}

export function alertTestCases(): AlertTestCase[] {
  const document = parse(fs.readFileSync(alertsTestFile, 'utf8')) as { tests: { alert_rule_test?: AlertTestCase[] }[] };
  return document.tests.flatMap((test) => test.alert_rule_test ?? []);
}

export function scrapeJobs(): string[] {
  const document = parse(fs.readFileSync(prometheusConfigFile, 'utf8')) as { scrape_configs: { job_name: string }[] };
  return document.scrape_configs.map((job) => job.job_name);
}

export interface DashboardPanel {
  id: number;
  type: string;
  title: string;
  gridPos: { h: number; w: number; x: number; y: number };
  datasource?: { type?: string; uid?: string };
  targets?: { refId: string; expr: string; datasource?: { type?: string; uid?: string } }[];
  panels?: DashboardPanel[];
}

export interface Dashboard {
  title: string;
  uid: string;
  schemaVersion: number;
  panels: DashboardPanel[];
  templating: { list: { name: string; type: string; query: unknown; definition?: string; datasource?: { uid?: string } }[] };
}

export const dashboard = (): Dashboard => JSON.parse(fs.readFileSync(dashboardFile, 'utf8'));

/** Every panel, those inside collapsed rows included. */
export const allPanels = (board: Dashboard): DashboardPanel[] => board.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);

/** The PromQL of every panel target and of the query variables (label_values(metric, label) taken as `metric`). */
export function dashboardExpressions(board = dashboard()): string[] {
  const targets = allPanels(board).flatMap((panel) => (panel.targets ?? []).map((target) => target.expr));
  const variables = board.templating.list
    .filter((variable) => variable.type === 'query')
    .map((variable) => {
      const query = typeof variable.query === 'string' ? variable.query : (variable.query as { query: string }).query;
      return query.replace(/^label_values\((.+),\s*[a-zA-Z_]+\)$/, '$1');
    });
  return [...targets, ...variables];
}

/** A dashboard expression as Prometheus itself would run it: Grafana's variables replaced. */
export const asPromQL = (expr: string) => expr.replaceAll('$__rate_interval', '5m').replaceAll('$__range', '6h').replaceAll('$store', '.*');

/**
 * The metric names an expression reads: identifiers starting with `flowhub_sync_`, and `up` (which Prometheus
 * adds to every target). String literals (label values) are removed first, so `state="up"` is no metric.
 */
export function metricNamesIn(expr: string): string[] {
  const code = expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""');
  return [
    ...new Set(
      [...code.matchAll(/(?<![A-Za-z0-9_:$])(flowhub_sync_[A-Za-z0-9_:]+|up)(?![A-Za-z0-9_:])(?!\s*\()/g)].map((match) => match[1]),
    ),
  ];
}

/**
 * The series names a Prometheus scrape of this text gives: each `# TYPE` line's metric (declared, samples or not);
 * a histogram only as its `_bucket`, `_sum` and `_count` series (its own name is no series), a summary with its
 * `_sum` and `_count`.
 */
export function exposedSeriesNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of text.matchAll(/^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (\w+)$/gm)) {
    if (type !== 'histogram') names.add(name);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
    if (type === 'summary') for (const suffix of ['_sum', '_count']) names.add(name + suffix);
  }
  return names;
}
