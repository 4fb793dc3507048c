// The run's record: bench/results/*.json and the generated tables of docs/PERFORMANCE.md.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const number = (value) =>
  typeof value === 'number' && Number.isFinite(value) ? value.toLocaleString('en-US', { maximumFractionDigits: 3 }) : '—';

/** The machine's yardstick at the start and the end (bench/lib/yardstick.mjs); runs from before it have none. */
const yardstick = (measured) => {
  if (!measured) return '';
  const at = (one) => (one ? `${one.cpuMs} ms of CPU work and ${one.pageFaultUs} µs a fresh page` : 'not measured');
  return `yardstick ${at(measured.start)} at the start, ${at(measured.end)} at the end; `;
};

export function markdownTables(report) {
  const lines = [];
  lines.push(
    `Measured ${report.date} on ${report.machine.cpu} (${report.machine.cores} cores, ${report.machine.memoryGb} GB), Node ${report.machine.node}, ` +
      `load average ${report.machine.loadAverage.start.join(' ')} at the start and ${report.machine.loadAverage.end.join(' ')} at the end; ` +
      `${yardstick(report.machine.yardstick)}${report.mode} run, ${report.durationSeconds} s.`,
    '',
    '| Target | Wanted | Measured | Met |',
    '|---|---|---|---|',
  );
  for (const t of report.targets) {
    const measured =
      t.value === null
        ? `not measured${t.note ? `: ${t.note}` : ''}`
        : `${number(t.value)}${t.unit ? ` ${t.unit}` : ''}${t.note ? ` (${t.note})` : ''}`;
    lines.push(`| ${t.name} | ${t.target} | ${measured} | ${t.met ? 'yes' : '**no**'} |`);
  }
  for (const scenario of report.scenarios) {
    const around = scenario.yardstick
      ? [
          `the machine's yardstick ${[scenario.yardstick.before, scenario.yardstick.after].map((one) => (one ? `${one.cpuMs} ms` : 'not measured')).join(' before, ')} after`,
        ]
      : [];
    const notes = [scenario.note, ...around].filter(Boolean);
    lines.push('', `**${scenario.title}**${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`, '');
    if (scenario.error) {
      lines.push(`Not measured: ${scenario.error}`);
      continue;
    }
    lines.push('| Figure | Value | Unit |', '|---|---|---|');
    for (const r of report.results.filter((entry) => entry.scenario === scenario.name))
      lines.push(`| ${r.name} | ${number(r.value)} | ${r.unit} |`);
  }
  return lines.join('\n');
}

/** Replaces the text between `<!-- bench:<mode>:start -->` and `<!-- bench:<mode>:end -->`, or appends the block. */
export function writeMarkdownBlock(file, mode, body) {
  const start = `<!-- bench:${mode}:start -->`;
  const end = `<!-- bench:${mode}:end -->`;
  const block = `${start}\n${body}\n${end}`;
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Performance\n';
  const from = current.indexOf(start);
  const to = current.indexOf(end);
  const next =
    from >= 0 && to > from ? current.slice(0, from) + block + current.slice(to + end.length) : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, next);
}

export function writeJson(file, value) {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}
