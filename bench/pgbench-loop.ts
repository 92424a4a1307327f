// pgbench's closed loop: every caller issues its next call as soon as its last one completes,
// until the duration is up; the last calls are allowed to finish and are counted.

import { performance } from 'node:perf_hooks';

export interface LoopCount {
  calls: number;
  rows: number;
  wallMs: number;
}

/** `call(i)` runs one call for caller i and resolves with the rows it counted. */
export async function closedLoop(callers: number, durationMs: number, call: (caller: number) => Promise<number>): Promise<LoopCount> {
  const started = performance.now();
  let calls = 0;
  let rows = 0;
  const caller = async (i: number) => {
    while (performance.now() - started < durationMs) {
      // Not `rows += await …`: that reads `rows` before the await and loses the other callers' adds.
      const counted = await call(i);
      rows += counted;
      calls++;
    }
  };
  await Promise.all(Array.from({ length: callers }, (_, i) => caller(i)));
  return { calls, rows, wallMs: performance.now() - started };
}
