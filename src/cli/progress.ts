// The progress bar on a terminal: rows, MB, rows/s and, when the total is known, the ETA.
// Silent when piped (stdout or stderr not a TTY) or with --quiet, so scripts see only results.
// cli-progress is loaded only when a bar is shown: a script's run never pays for it.

export interface Progress {
  /** `rows` and `bytes` done so far; `done` is counted in the unit of the total (rows or bytes). */
  update(rows: number, bytes: number, done?: number): void;
  stop(): void;
  /** False when nothing is drawn: work done only for the bar (counting lines) can be skipped. */
  readonly shown: boolean;
}

const silent: Progress = { update() {}, stop() {}, shown: false };

function megabytes(bytes: number): string {
  return (bytes / 1_048_576).toFixed(1);
}

/** A bar on stderr; `total` (rows or bytes, as `unit` says) turns on the percentage and ETA. */
export async function startProgress(label: string, quiet: boolean, total?: { amount: number; unit: 'rows' | 'bytes' }): Promise<Progress> {
  if (quiet || !process.stderr.isTTY || !process.stdout.isTTY) return silent;
  const { SingleBar } = await import('cli-progress');
  const started = performance.now();
  const known = total !== undefined && total.amount > 0;
  const format = known
    ? `${label} [{bar}] {percentage}% | {rowsText} rows | {mb} MB | {rate} rows/s | ETA {eta_formatted}`
    : `${label} {rowsText} rows | {mb} MB | {rate} rows/s | {duration_formatted}`;
  const bar = new SingleBar({ format, stream: process.stderr, hideCursor: true, clearOnComplete: false, etaBuffer: 20, fps: 5 });
  bar.start(known ? total.amount : 1, 0, { rowsText: '0', mb: '0.0', rate: '0' });
  return {
    update(rows, bytes, done) {
      const seconds = (performance.now() - started) / 1000;
      const payload = { rowsText: rows.toLocaleString('en-US'), mb: megabytes(bytes), rate: seconds > 0 ? Math.round(rows / seconds).toLocaleString('en-US') : '0' };
      bar.update(known ? (done ?? (total.unit === 'rows' ? rows : bytes)) : 0, payload);
    },
    stop() {
      bar.stop();
    },
    shown: true,
  };
}
