// What every benchmark child measures around its run: wall time, the main thread's event-loop
// delay, CPU (the whole process's, and the main thread's share), and peak RSS.

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

export interface Measured<T> {
  value: T;
  wallMs: number;
  loopP99Ms: number;
  loopMaxMs: number;
  /** process.cpuUsage() over the run: every thread (workers, libuv, GC) counts. */
  cpuMs: number;
  /** The main thread's busy time: event-loop utilization × wall time. */
  mainThreadCpuMs: number;
  /** The main thread's own on-CPU time (Linux schedstat); undefined where /proc has none. */
  mainThreadOnCpuMs: number | undefined;
  peakRssMb: number;
}

/**
 * Nanoseconds the calling thread has spent on a CPU (the first field of Linux's schedstat), or
 * undefined off Linux. Exact where utilization × wall is not: an active loop whose thread is
 * descheduled (two cores shared with workers and the server) counts as busy there, not here.
 */
function threadOnCpuNs(): number | undefined {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]);
  } catch {
    return undefined;
  }
}

export async function measure<T>(run: () => Promise<T>): Promise<Measured<T>> {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const cpuBefore = process.cpuUsage();
  // Read synchronously here, so "thread-self" is the main thread.
  const onCpuBefore = threadOnCpuNs();
  const loopBefore = performance.eventLoopUtilization();
  const started = performance.now();
  const value = await run();
  const wallMs = performance.now() - started;
  // Taken before the wait below, which would only add idle time.
  const { utilization } = performance.eventLoopUtilization(loopBefore);
  const cpu = process.cpuUsage(cpuBefore);
  const onCpuAfter = threadOnCpuNs();
  // A block that ends with the run is recorded only when the monitor's timer next fires.
  await new Promise((resolve) => setTimeout(resolve, 20));
  delay.disable();
  return {
    value,
    wallMs,
    loopP99Ms: delay.percentile(99) / 1e6,
    loopMaxMs: delay.max / 1e6,
    cpuMs: (cpu.user + cpu.system) / 1000,
    mainThreadCpuMs: utilization * wallMs,
    mainThreadOnCpuMs: onCpuBefore === undefined || onCpuAfter === undefined ? undefined : (onCpuAfter - onCpuBefore) / 1e6,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

/** Rates of a measured run of `count` operations (queries, or requests), CPU in µs per operation. */
export function ratesOf(figures: Omit<Measured<unknown>, 'value'>, count: number) {
  return {
    queriesPerSecond: count / (figures.wallMs / 1000),
    usPerQuery: (figures.wallMs * 1000) / count,
    cpuUsPerQuery: (figures.cpuMs * 1000) / count,
    mainThreadCpuUsPerQuery: (figures.mainThreadCpuMs * 1000) / count,
    mainThreadOnCpuUsPerQuery: figures.mainThreadOnCpuMs === undefined ? undefined : (figures.mainThreadOnCpuMs * 1000) / count,
  };
}

/** Print a child's figures for the parent (one JSON line on stdout); exit non-zero on failure. */
export function reportFrom(main: () => Promise<unknown>): void {
  main().then(
    (figures) => process.stdout.write(`${JSON.stringify(figures)}\n`),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}

/** Run a child script and parse the JSON line it prints. */
export function runJsonChild<T>(script: string, args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim()) as T) : reject(new Error(`${args.slice(0, 2).join(' on ')} exited with ${code}`))));
  });
}
