// The loop the row probes share: build `rows` rows a batch at a time, in slices of `sliceMs` that
// yield to the event loop (as RowCollector does), keep what each batch returns, and report the
// event loop's delay meanwhile.

import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * @param {{ rows: number, batchRows: number, sliceMs: number, buildBatch: (from: number, to: number) => unknown[] }} plan
 * @returns {Promise<{ kept: unknown[], ms: number, loopP99Ms: number, loopMaxMs: number }>}
 */
export async function buildInSlices({ rows, batchRows, sliceMs, buildBatch }) {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const kept = [];
  const started = performance.now();
  let next = 0;
  await new Promise((resolve) => {
    const slice = () => {
      const until = performance.now() + sliceMs;
      do {
        const end = Math.min(rows, next + batchRows);
        for (const row of buildBatch(next, end)) kept.push(row);
        next = end;
      } while (next < rows && performance.now() < until);
      if (next < rows) setImmediate(slice);
      else resolve();
    };
    setImmediate(slice);
  });
  const ms = performance.now() - started;
  delay.disable();
  return {
    kept,
    ms: Math.round(ms),
    loopP99Ms: Number((delay.percentile(99) / 1e6).toFixed(1)),
    loopMaxMs: Number((delay.max / 1e6).toFixed(1)),
  };
}

/** `--slice-ms=N` from the command line, else RowCollector's 1 ms. */
export function sliceMsArgument() {
  const given = process.argv.find((arg) => arg.startsWith('--slice-ms='));
  return given === undefined ? 1 : Number(given.slice('--slice-ms='.length));
}
