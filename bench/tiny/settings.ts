// The command line of `npm run bench:tiny` and the sizes it implies: the full run (100K values per
// codec pass, a 64 MB framing chunk, a 10K-row fetch, 1 s per task) or the CI smoke run (--quick:
// tiny inputs and a few milliseconds per task, so each suite takes seconds).

export interface TinySettings {
  quick: boolean;
  /** Lower-cased; a task runs when "suite / bench / task" contains any of them (all run when empty). */
  filters: string[];
  /** tinybench's time budget per task, ms. */
  timeMs: number;
  warmupMs: number;
  /** The fewest samples a task takes, whatever the time. */
  iterations: number;
  warmupIterations: number;
  /** Values per codec pass (and rows of the batch that rows are built from). */
  codecValues: number;
  /** Bytes of DataRow messages in the framing chunk. */
  frameBytes: number;
  /** Rows of the large fetch of the per-call suite. */
  fetchRows: number;
  /** Parameter rows of executemany. */
  manyRows: number;
}

function valueOf(argv: readonly string[], flag: string): string | undefined {
  const at = argv.indexOf(flag);
  if (at < 0) return undefined;
  const value = argv[at + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`${flag} needs a value`);
  return value;
}

export function parseTinyArgs(argv: readonly string[]): TinySettings {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--filter' || argv[i] === '--time') i++;
    else if (argv[i] !== '--quick') throw new Error(`unknown argument ${argv[i]}: use --quick, --filter NAME[,NAME…], --time MS`);
  }
  const quick = argv.includes('--quick');
  const time = valueOf(argv, '--time');
  const timeMs = time === undefined ? (quick ? 20 : 1000) : Number(time);
  if (!Number.isFinite(timeMs) || timeMs <= 0) throw new Error(`--time takes milliseconds, got ${time}`);
  const filters = (valueOf(argv, '--filter') ?? '').split(',').map((name) => name.trim().toLowerCase()).filter((name) => name !== '');
  return {
    quick,
    filters,
    timeMs,
    // As long a warm-up as the measurement: a pool has two threads' code to optimise, and a call of
    // a few hundred µs measured after 250 ms of warm-up still ran half unoptimised (2× slower).
    warmupMs: quick ? timeMs / 4 : timeMs,
    iterations: quick ? 3 : 16,
    warmupIterations: quick ? 1 : 4,
    codecValues: quick ? 1_000 : 100_000,
    frameBytes: quick ? 1024 * 1024 : 64 * 1024 * 1024,
    fetchRows: quick ? 1_000 : 10_000,
    manyRows: 100,
  };
}

/** Whether the task named by its suite, bench and task names is selected by --filter. */
export function selected(settings: TinySettings, ...names: string[]): boolean {
  if (settings.filters.length === 0) return true;
  const full = names.join(' / ').toLowerCase();
  return settings.filters.some((filter) => full.includes(filter));
}
