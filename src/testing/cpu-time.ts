/**
 * Milliseconds of CPU this process has used since `start` (user + system, all its threads): what in-process "runs
 * in linear time" tests bound, instead of wall time, so that a machine loaded by other processes (CI neighbours, a
 * parallel test run) does not fail them while a quadratic algorithm (seconds of CPU) still does.
 */
export function cpuStart(): NodeJS.CpuUsage {
  return process.cpuUsage();
}

export function cpuMsSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}
