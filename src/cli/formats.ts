// The file formats the CLI reads and writes, and how a format is told from a file name.

import { extname } from 'node:path';
import { UsageError } from './exit-codes.js';

export const FORMATS = ['csv', 'ndjson', 'arrow', 'parquet'] as const;
export type FileFormat = (typeof FORMATS)[number];

const BY_EXTENSION: Record<string, FileFormat> = {
  '.csv': 'csv',
  '.ndjson': 'ndjson',
  '.jsonl': 'ndjson',
  '.arrow': 'arrow',
  '.feather': 'arrow',
  '.ipc': 'arrow',
  '.parquet': 'parquet',
  '.pq': 'parquet',
};

/** --format when given, else the file's extension; a usage error when neither says. */
export function chooseFormat(option: string | undefined, path: string): FileFormat {
  if (option !== undefined) {
    if ((FORMATS as readonly string[]).includes(option)) return option as FileFormat;
    throw new UsageError(`unknown format ${JSON.stringify(option)}: use one of ${FORMATS.join(', ')}`);
  }
  const inferred = BY_EXTENSION[extname(path).toLowerCase()];
  if (inferred === undefined) {
    throw new UsageError(`cannot tell the format of ${JSON.stringify(path)} from its extension: add --format ${FORMATS.join('|')}`);
  }
  return inferred;
}
