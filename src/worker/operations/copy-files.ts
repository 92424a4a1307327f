// COPY straight from and to files, on the thread that runs the connection: a pool worker reads
// and writes them itself, so the bytes never cross to the main thread.

import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { InterfaceError } from '../../codec/errors/client-errors.js';
import type { CopyConsumer } from './copy-out.js';

const FILE_CHUNK_BYTES = 512 * 1024;

/** The file's bytes in chunks; a missing or unreadable file is an InterfaceError naming it. */
export async function* fileChunks(path: string): AsyncGenerator<Uint8Array> {
  const stream = createReadStream(path, { highWaterMark: FILE_CHUNK_BYTES });
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new InterfaceError(`could not read the COPY source file ${JSON.stringify(path)}: ${code}`, { cause: error });
  } finally {
    stream.destroy();
  }
}

/** A consumer writing to a new (or truncated) file, and how to finish or abandon it. */
export function fileConsumer(path: string): { consume: CopyConsumer; finish(): Promise<void>; abandon(): void } {
  const stream = createWriteStream(path);
  let failed: Error | undefined;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    failed ??= new InterfaceError(`could not write the COPY output file ${JSON.stringify(path)}: ${error.code ?? error.message}`, { cause: error });
  });
  const opened = once(stream, 'open').catch(() => undefined);
  return {
    consume: async (chunk) => {
      await opened;
      if (failed) throw failed;
      if (!stream.write(chunk)) await Promise.race([once(stream, 'drain'), once(stream, 'close')]);
      if (failed) throw failed;
    },
    finish: async () => {
      await opened;
      if (failed) throw failed;
      stream.end();
      await Promise.race([once(stream, 'finish'), once(stream, 'close')]);
      if (failed) throw failed;
    },
    abandon: () => {
      stream.destroy();
    },
  };
}
