// Where the machine's CPU goes while a scenario runs, per process, from /proc: each scenario names its own processes
// (the simulator, the workers, the producer), and every snapshot adds the PostgreSQL backends of the scenario's
// database, Redis and this benchmark. Linux only, as the bench is.
import { readdirSync, readFileSync } from 'node:fs';

/** /proc's clock ticks (USER_HZ), 100 a second on Linux. */
const TICK_MS = 10;
const NO_USAGE = { cpuMs: 0, systemMs: 0, minorFaults: 0 };

/**
 * A process's CPU time in ms (user + system), the system part of it, and its minor page faults, its reaped children's
 * included; none once it is gone.
 */
function processUsage(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    const systemMs = (fields[12] + fields[14]) * TICK_MS;
    return { cpuMs: (fields[11] + fields[13]) * TICK_MS + systemMs, systemMs, minorFaults: fields[7] + fields[8] };
  } catch {
    return NO_USAGE;
  }
}
const addUsage = (a, b) => ({ cpuMs: a.cpuMs + b.cpuMs, systemMs: a.systemMs + b.systemMs, minorFaults: a.minorFaults + b.minorFaults });

/**
 * The usage of every process named `comm`, summed; with `argument`, only those whose command line has it as a word
 * (a PostgreSQL backend's names its database: `postgres: <user> <database> <client> <state>`).
 */
function commandUsage(comm, argument) {
  let total = NO_USAGE;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== comm) continue;
      const words = argument ? readFileSync(`/proc/${entry}/cmdline`, 'utf8').split(/[\s\0]+/) : [];
      if (!argument || words.includes(argument)) total = addUsage(total, processUsage(entry));
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** The machine's busy and total CPU time in ms (every core), from /proc/stat. */
function machineCpuMs() {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = ticks;
  const busy = user + nice + system + irq + softirq + steal;
  return { busy: busy * TICK_MS, total: (busy + idle + iowait) * TICK_MS };
}

/**
 * A snapshot of the CPU used so far by each of the scenario's processes (`groups`: name → pid), by PostgreSQL (the
 * backends of the scenario's database), Redis and this benchmark, and by the machine as a whole.
 */
export function cpuSnapshot(groups, databaseName) {
  return {
    at: performance.now(),
    machine: machineCpuMs(),
    groups: Object.fromEntries([
      ...Object.entries(groups).map(([name, pid]) => [name, processUsage(pid)]),
      ['postgres', commandUsage('postgres', databaseName)],
      ['redis', commandUsage('redis-server')],
      ['bench', processUsage(process.pid)],
    ]),
  };
}

/**
 * Where the machine's CPU went between two snapshots: each group, and the rest (other processes of the machine, other
 * databases' backends). In ms of CPU, and the machine's share busy; beside them each group's system time (the kernel's
 * side: sockets, page faults) and minor page faults, which on a virtual machine whose host takes freed memory back
 * cost several µs each.
 */
export function cpuSpent(before, after) {
  const spent = (key) =>
    Object.fromEntries(Object.keys(after.groups).map((name) => [name, after.groups[name][key] - (before.groups[name]?.[key] ?? 0)]));
  const groups = spent('cpuMs');
  const busy = after.machine.busy - before.machine.busy;
  const counted = Object.values(groups).reduce((sum, ms) => sum + ms, 0);
  return {
    wallMs: Math.round(after.at - before.at),
    machineBusyShare: busy / (after.machine.total - before.machine.total),
    cpuMs: { ...groups, other: Math.max(0, busy - counted), machineBusy: busy },
    systemMs: spent('systemMs'),
    minorFaults: spent('minorFaults'),
  };
}

/** Two log lines: each group's CPU and share of the machine's busy time over the window, and the kernel's part. */
export function logCpu(log, what, cpu) {
  const shares = Object.entries(cpu.cpuMs)
    .filter(([name]) => name !== 'machineBusy')
    .map(([name, ms]) => `${name} ${(ms / 1000).toFixed(1)} s (${Math.round((100 * ms) / cpu.cpuMs.machineBusy)}%)`);
  log(
    `  ${what} CPU: machine ${Math.round(100 * cpu.machineBusyShare)}% busy over ${(cpu.wallMs / 1000).toFixed(1)} s; ${shares.join(', ')}`,
  );
  const kernel = Object.keys(cpu.systemMs).map(
    (name) => `${name} ${(cpu.systemMs[name] / 1000).toFixed(1)} s, ${Math.round(cpu.minorFaults[name] / 1000)}k faults`,
  );
  log(`  ${what}, the kernel's part (system time, minor page faults): ${kernel.join('; ')}`);
}
