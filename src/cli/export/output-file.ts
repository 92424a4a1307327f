// Where exported bytes go: a file written under a temporary name and renamed when complete (a
// failed export leaves no half file behind), or stdout for `--out -`. Writes wait for drain.

import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export class OutputFile {
  private readonly stream: NodeJS.WritableStream;
  private readonly temporary: string | undefined;
  private failure: Error | undefined;
  /** Bytes written so far. */
  bytes = 0;

  constructor(private readonly path: string) {
    if (path === '-') {
      this.stream = process.stdout;
    } else {
      this.temporary = join(dirname(path), `.${basename(path)}.${process.pid}.partial`);
      const file: WriteStream = createWriteStream(this.temporary);
      file.on('error', (error) => (this.failure = error));
      this.stream = file;
    }
  }

  async write(chunk: Uint8Array | string): Promise<void> {
    if (this.failure) throw this.failure;
    this.bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
    // once() rejects on 'error' too, and removes its listeners either way.
    if (!this.stream.write(chunk)) await once(this.stream as NodeJS.EventEmitter, 'drain');
  }

  /** Flush and put the file in place. */
  async finish(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.temporary === undefined) {
      // stdout is never ended (a later write of ours could fail); waiting for an empty write flushes it.
      await new Promise<void>((resolve, reject) => this.stream.write('', (error) => (error ? reject(error) : resolve())));
      return;
    }
    const file = this.stream as WriteStream;
    await new Promise<void>((resolve, reject) => {
      file.once('error', reject);
      file.end(() => resolve());
    });
    await rename(this.temporary, this.path);
  }

  /** Give up: remove the partial file. */
  async abandon(): Promise<void> {
    if (this.temporary === undefined) return;
    (this.stream as WriteStream).destroy();
    await rm(this.temporary, { force: true });
  }
}
