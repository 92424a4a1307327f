// pgloom's public API.

export { connect, type ConnectOptions } from './connect.js';
export { Connection, type Row, type QueryOptions, type CursorOptions, type QueryResult, type BuiltinCodecOptions } from './connection.js';
export { PreparedStatement } from './prepared-statement.js';
export { createPool, Pool, type CallOptions, type StreamOptions, type PoolStats, type HistogramSummary, type ConnectionStates } from './pool.js';
export type { PoolOptions } from './pool-options.js';
export { Result } from './result.js';
export { PooledConnection, type PinnedCursorOptions, type Notification as PoolNotification } from './pooled-connection.js';
export { RecordBatch, type ResultSchema } from './record-batch.js';
export { Layout, type BatchData, type ColumnData, type FixedValues } from '../codec/batch/index.js';
export { JsonText } from '../codec/types/json.js';
export type { Interval } from '../codec/types/datetime/interval.js';
export type { TimeTz } from '../codec/types/datetime/time.js';
export * from '../codec/types/containers/index.js';
export type { Point, Line, LineSegment, Box, Path, Polygon, Circle } from '../codec/types/geometric.js';
export type { Tid } from '../codec/types/tid.js';
export { formatTsQuery, parseTsQuery, type TsQuery, type TsQueryNode, type TsQueryLexeme } from '../codec/types/text-search.js';
export type { Column } from './columns.js';
export type {
  CopyRecordsOptions, CopyColumnsOptions, CopyToTableOptions, CopyFromTableOptions, CopyFromQueryOptions, CopyFormatOptions, CopyCallOptions,
  CopyFormat, CopySource, CopyOutput,
} from './copy/copy-options.js';
export type { ColumnarInput, ArrowLike } from './copy/column-chunks.js';
export type { TransactionOptions } from './transaction-options.js';
export type { TransactionStatus } from '../worker/connection.js';
export type { Notification } from '../codec/protocol/index.js';
export type { ConnectionOptions } from '../worker/config/index.js';
export type { SslMode } from '../worker/transport.js';
export type { TypeOptions } from '../codec/types/codec.js';
export type { TypeCodecSpec, TextCodecSpec, BinaryCodecSpec, TupleCodecSpec, Hstore, TypeDescription, TypeKind, TypeAttribute } from '../codec/types/introspected/index.js';
export * from '../codec/errors/index.js';
