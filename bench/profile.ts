// Runs one hot path under the V8 sampling profiler — the main thread and every pool worker, through
// one node:inspector session — and prints each thread's top functions by self time.
//
//   node dist/bench/profile.js <path> [--workload mixed|numeric] [--rows 1000000] [--queries 20000]
//        [--query bytea] [--seconds 3] [--client pgloom-pool-1w|pgloom-connect] [--top 25] [--interval 200] [--dsn postgresql://…] [--out .tmp/profiles]
//
// Paths: pool-query (pool.query: the worker decodes into batches), pool-fetch (pool.fetch: row
// objects built on the main thread), connect (connect().fetch: decoded inline), one-pool (serial
// `select $1::int4` through a one-worker pool), pgbench (one fetch query of the pgbench suite,
// --query, in its closed loop of 10 callers for --seconds, through a one-worker pool or, with
// --client pgloom-connect, ten connect() connections). Only the measured call is profiled (after a warm-up
// at a tenth of the size); the raw .cpuprofile files are written to --out for a flame chart
// (Chrome DevTools › Performance › Load profile, or speedscope).

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { SourceMap } from 'node:module';
import { dirname, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { startCluster } from '../scripts/local-postgres.js';
import { openCallClient } from './call-clients.js';
import { openClient, type BenchClient } from './clients.js';
import { openPgbenchClient } from './pgbench-clients.js';
import { closedLoop } from './pgbench-loop.js';
import { pgbenchQueries, type PgbenchQueryName } from './pgbench-queries.js';
import { workloadSql, type WorkloadName } from './workloads.js';

const paths = ['pool-query', 'pool-fetch', 'connect', 'one-pool', 'pgbench'] as const;
type PathName = (typeof paths)[number];

/** The subset of V8's Profile (the inspector's Profiler.Profile) read here. */
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; children?: number[] }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** The checkout: the nearest folder above this script with a package.json (builds may sit in any outDir). */
const repoRoot = ((): string => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(resolve(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
})();

function option(argv: string[], flag: string): string | undefined {
  const at = argv.indexOf(flag);
  return at >= 0 ? argv[at + 1] : undefined;
}

// ---------------------------------------------------------------------------------------------
// Profiling every thread through the inspector: the main thread directly, workers through the
// NodeWorker domain (each worker is a target reached with sendMessageToWorker).

class ThreadProfiler {
  private readonly session = new Session();
  private readonly workers = new Map<string, string>();
  private readonly pending = new Map<number, (reply: { result?: unknown; error?: { message: string } }) => void>();
  private nextId = 1;

  async open(): Promise<void> {
    this.session.connect();
    this.session.on('NodeWorker.attachedToWorker', (message: { params: { sessionId: string; workerInfo: { title: string } } }) => {
      this.workers.set(message.params.sessionId, message.params.workerInfo.title);
    });
    this.session.on('NodeWorker.receivedMessageFromWorker', (message: { params: { message: string } }) => {
      const reply = JSON.parse(message.params.message) as { id?: number; result?: unknown; error?: { message: string } };
      if (reply.id !== undefined) this.pending.get(reply.id)?.(reply);
      if (reply.id !== undefined) this.pending.delete(reply.id);
    });
    await this.post('NodeWorker.enable', { waitForDebuggerOnStart: false });
  }

  /** Start sampling every thread, `intervalUs` apart. */
  async start(intervalUs: number): Promise<void> {
    for (const target of this.targets()) {
      await this.send(target, 'Profiler.enable');
      await this.send(target, 'Profiler.setSamplingInterval', { interval: intervalUs });
      await this.send(target, 'Profiler.start');
    }
  }

  async stop(): Promise<{ thread: string; profile: CpuProfile }[]> {
    const profiles = [];
    for (const target of this.targets()) {
      const { profile } = (await this.send(target, 'Profiler.stop')) as { profile: CpuProfile };
      profiles.push({ thread: target === undefined ? 'main' : this.workers.get(target)!, profile });
    }
    return profiles;
  }

  close(): void {
    this.session.disconnect();
  }

  /** undefined stands for the main thread. */
  private targets(): (string | undefined)[] {
    return [undefined, ...this.workers.keys()];
  }

  private post(method: string, params: object = {}): Promise<unknown> {
    return new Promise((resolvePost, reject) => this.session.post(method, params, (error, result) => (error ? reject(error) : resolvePost(result))));
  }

  private send(target: string | undefined, method: string, params: object = {}): Promise<unknown> {
    if (target === undefined) return this.post(method, params);
    const id = this.nextId++;
    return new Promise((resolveSend, reject) => {
      this.pending.set(id, (reply) => (reply.error ? reject(new Error(`${method}: ${reply.error.message}`)) : resolveSend(reply.result)));
      this.post('NodeWorker.sendMessageToWorker', { sessionId: target, message: JSON.stringify({ id, method, params }) }).catch(reject);
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Reading a .cpuprofile: self time per function (the sample's own frame), total time per function
// (any frame of the sample's stack, counted once), both from the sample time deltas.

interface FunctionTime {
  name: string;
  where: string;
  selfUs: number;
  totalUs: number;
}

const sourceMaps = new Map<string, SourceMap | null>();

/** `file:line` of a frame in the TypeScript source when the built file has a source map. */
function locate(url: string, line: number, column: number): string {
  if (url === '') return '';
  if (!url.startsWith('file://')) return url.startsWith('node:') ? url : `${url}:${line + 1}`;
  const file = fileURLToPath(url);
  let map = sourceMaps.get(file);
  if (map === undefined) {
    try {
      map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')));
    } catch {
      map = null;
    }
    sourceMaps.set(file, map);
  }
  const entry = map?.findEntry(line, column) as { originalSource?: string; originalLine?: number } | undefined;
  if (entry?.originalSource !== undefined && entry.originalLine !== undefined) {
    return `${relative(repoRoot, resolve(dirname(file), entry.originalSource))}:${entry.originalLine + 1}`;
  }
  const shown = relative(repoRoot, file);
  return `${shown.startsWith('node_modules') ? shown.replace(/^.*node_modules\//, '') : shown}:${line + 1}`;
}

function functionTimes(profile: CpuProfile): { functions: FunctionTime[]; sampledUs: number; idleUs: number } {
  const parent = new Map<number, number>();
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const keyOf = new Map<number, string>();
  const functions = new Map<string, FunctionTime>();
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber, columnNumber } = node.callFrame;
    const name = functionName === '' ? '(anonymous)' : functionName;
    const where = locate(url, lineNumber, columnNumber);
    const key = `${name} ${where}`;
    keyOf.set(node.id, key);
    if (!functions.has(key)) functions.set(key, { name, where, selfUs: 0, totalUs: 0 });
  }
  let sampledUs = 0;
  let idleUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    // A sample stands for the time until the next one (the last: until the profile's end).
    const next = i + 1 < profile.samples.length ? profile.timeDeltas[i + 1] : 0;
    const us = Math.max(0, next);
    sampledUs += us;
    const id = profile.samples[i];
    const own = functions.get(keyOf.get(id)!)!;
    own.selfUs += us;
    if (byId.get(id)!.callFrame.functionName === '(idle)') idleUs += us;
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const key = keyOf.get(at)!;
      if (seen.has(key)) continue;
      seen.add(key);
      functions.get(key)!.totalUs += us;
    }
  }
  return { functions: [...functions.values()], sampledUs, idleUs };
}

function printThread(thread: string, profile: CpuProfile, top: number): void {
  const { functions, sampledUs, idleUs } = functionTimes(profile);
  const busyUs = sampledUs - idleUs;
  const pct = (us: number) => `${((100 * us) / busyUs).toFixed(1)}%`.padStart(7);
  console.log(`\n${thread}: ${(sampledUs / 1000).toFixed(0)} ms sampled, ${(busyUs / 1000).toFixed(0)} ms busy (${((100 * busyUs) / sampledUs).toFixed(0)}%); percentages are of busy time`);
  console.log(`${'self ms'.padStart(9)}${'self'.padStart(7)}${'total'.padStart(7)}  function  (source)`);
  const ranked = functions.filter((f) => f.name !== '(idle)' && f.selfUs > 0).sort((a, b) => b.selfUs - a.selfUs);
  for (const f of ranked.slice(0, top)) {
    console.log(`${(f.selfUs / 1000).toFixed(1).padStart(9)}${pct(f.selfUs)}${pct(f.totalUs)}  ${f.name}  ${f.where}`);
  }
  // Self time per source file: which layer the thread spends its time in.
  const byFile = new Map<string, number>();
  for (const f of ranked) {
    const file = f.where === '' ? f.name : f.where.replace(/:\d+$/, '');
    byFile.set(file, (byFile.get(file) ?? 0) + f.selfUs);
  }
  const files = [...byFile].sort((a, b) => b[1] - a[1]).slice(0, 8);
  console.log(`  by file: ${files.map(([file, us]) => `${file} ${pct(us).trim()}`).join(', ')}`);
}

// ---------------------------------------------------------------------------------------------

interface Target {
  warmUp(): Promise<unknown>;
  run(): Promise<number>;
  close(): Promise<void>;
}

interface Sizes {
  workload: WorkloadName;
  rows: number;
  queries: number;
  query: PgbenchQueryName;
  seconds: number;
  client: 'pgloom-pool-1w' | 'pgloom-connect';
}

async function openTarget(path: PathName, dsn: string, { workload, rows, queries, query: queryName, seconds, client }: Sizes): Promise<Target> {
  if (path === 'pgbench') {
    const query = pgbenchQueries(`profile_${process.pid}`).find((q) => q.name === queryName);
    if (query?.kind !== 'fetch') throw new Error(`--query must name a fetch query of the pgbench suite, not ${queryName}`);
    const db = await openPgbenchClient(client, dsn, 10);
    for (const statement of query.setup) await db.execute(statement);
    const loop = async (ms: number) => (await closedLoop(db.sessions.length, ms, (i) => db.sessions[i].fetch(query.sql, query.args))).calls;
    return {
      warmUp: () => loop(500),
      run: () => loop(seconds * 1000),
      close: async () => {
        for (const statement of query.teardown) await db.execute(statement);
        await db.close();
      },
    };
  }
  if (path === 'one-pool') {
    const db = await openCallClient('pgloom-pool-1w', dsn, 1);
    const serial = async (count: number) => {
      for (let i = 0; i < count; i++) await db.call('select $1::int4', [i]);
      return count;
    };
    return { warmUp: () => serial(Math.ceil(queries / 10)), run: () => serial(queries), close: () => db.close() };
  }
  const rowClient = path === 'pool-query' ? 'pgloom-pool-columnar' : path === 'pool-fetch' ? 'pgloom-pool-rows' : 'pgloom-connect';
  // One worker: a single query runs in one worker anyway, and its profile is then the only one.
  const db: BenchClient = await openClient(rowClient, dsn, path === 'connect' ? undefined : 1);
  return {
    warmUp: () => db.run(workloadSql(workload, Math.max(1, Math.floor(rows / 10)))),
    run: () => db.run(workloadSql(workload, rows)),
    close: () => db.close(),
  };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const path = argv[0] as PathName;
  if (!paths.includes(path)) throw new Error(`usage: profile.js <${paths.join('|')}> [--workload mixed|numeric] [--rows N] [--queries N] [--query NAME] [--seconds N] [--client pgloom-pool-1w|pgloom-connect] [--top N] [--interval µs] [--dsn DSN] [--out dir]`);
  const workload = (option(argv, '--workload') ?? 'mixed') as WorkloadName;
  const rows = Number(option(argv, '--rows') ?? 1_000_000);
  const queries = Number(option(argv, '--queries') ?? 20_000);
  const query = (option(argv, '--query') ?? 'bytea') as PgbenchQueryName;
  const seconds = Number(option(argv, '--seconds') ?? 3);
  const client = option(argv, '--client') === 'pgloom-connect' ? 'pgloom-connect' : 'pgloom-pool-1w';
  const top = Number(option(argv, '--top') ?? 25);
  const interval = Number(option(argv, '--interval') ?? 200);
  const out = resolve(repoRoot, option(argv, '--out') ?? '.tmp/profiles');
  let dsn = option(argv, '--dsn') ?? process.env.DATABASE_URL;
  let stop: (() => Promise<void>) | undefined;
  if (!dsn) {
    const cluster = await startCluster('embedded');
    dsn = cluster.dsn;
    stop = () => cluster.stop();
  }
  const profiler = new ThreadProfiler();
  try {
    await profiler.open();
    const target = await openTarget(path, dsn, { workload, rows, queries, query, seconds, client });
    try {
      await target.warmUp();
      await profiler.start(interval);
      const started = performance.now();
      const count = await target.run();
      const wallMs = performance.now() - started;
      const profiles = await profiler.stop();
      const what = path === 'one-pool' ? `${count} serial queries, ${((wallMs * 1000) / count).toFixed(0)} µs each`
        : path === 'pgbench' ? `${query}, ${count} calls from 10 callers, ${((count * 1000) / wallMs).toFixed(0)} calls/s`
        : `${workload}, ${count.toLocaleString('en')} rows`;
      console.log(`${path}: ${what}, ${wallMs.toFixed(0)} ms wall under the profiler (sampling every ${interval} µs)`);
      mkdirSync(out, { recursive: true });
      for (const { thread, profile } of profiles) {
        const subject = path === 'one-pool' ? 'one' : path === 'pgbench' ? query : workload;
        const file = resolve(out, `${path}-${subject}-${thread.replace(/\W+/g, '')}.cpuprofile`);
        writeFileSync(file, JSON.stringify(profile));
        printThread(`${thread} (${relative(repoRoot, file)})`, profile, top);
      }
    } finally {
      await target.close();
    }
  } finally {
    profiler.close();
    await stop?.();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
