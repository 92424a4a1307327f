// Closes pools while their worker threads are still loading their script, in a process of its own:
// the failure this looks for (a V8 fatal error when a thread is terminated inside a synchronous
// require() of an ES module) aborts the whole process, which must not be vitest's.
// Args: dist index path, DSN, rounds. Prints, as JSON, the start-up time, the delays tried, and how
// many rounds were answered before their pool was terminated.

const [indexPath, dsn, roundsText] = process.argv.slice(2);
const { createPool } = await import(indexPath);
const rounds = Number(roundsText);
const options = { workers: 2, connectionsPerWorker: 1, mainThreadConnections: 0 };

// How long threads take to start here (they load the worker script, then connect): the window to
// terminate them in scales with it, on a fast machine or a loaded one.
const startTimes = [];
for (let i = 0; i < 3; i++) {
  const started = performance.now();
  const pool = createPool(dsn, options);
  await pool.fetchval('select 1');
  startTimes.push(performance.now() - started);
  await pool.terminate();
}
const startMs = startTimes.sort((a, b) => a - b)[1];

// Delays from a third of that to four thirds of it: some before the script loads, some during, some after
// the pool has answered. `answered` counts the rounds whose first query came back before the end.
const delays = [];
let answered = 0;
for (let i = 0; i < rounds; i++) {
  const delay = startMs * (1 / 3 + i / (rounds - 1));
  delays.push(Math.round(delay));
  const pool = createPool(dsn, options);
  const first = pool.fetchval('select 1').then(() => answered++, () => undefined);
  await new Promise((resolve) => setTimeout(resolve, delay));
  await pool.terminate();
  await first;
}
console.log(JSON.stringify({ startMs: Math.round(startMs), delays, answered }));
