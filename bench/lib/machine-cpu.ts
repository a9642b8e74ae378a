import { readFileSync } from 'node:fs';

/**
 * Busy CPU time of the whole machine so far, in milliseconds over all cores: every process (this
 * one, the PostgreSQL backends, the writers) and the kernel, from /proc/stat. Null where there is no
 * /proc/stat. The benches print it beside their figures: on a 2-core machine where Node and the
 * database share the cores, CPU per call — not waiting — is what bounds throughput.
 */
export function machineBusyMs(): number | null {
  let line: string;
  try {
    line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
  } catch {
    return null;
  }
  // cpu  user nice system idle iowait irq softirq steal …, in clock ticks (USER_HZ, 100 a second on Linux).
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return (user + nice + system + irq + softirq + (steal || 0)) * 10;
}

/** utime + stime of one process in milliseconds, from /proc/<pid>/stat; null where it cannot be read. */
export function processCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields 14 and 15 of stat (counted from 1) are utime and stime, in clock ticks (100 a second on Linux).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}
