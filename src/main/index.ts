// pgloom's public API.

export { connect, type ConnectOptions } from './connect.js';
export { Connection, type Row, type QueryOptions, type CursorOptions, type QueryResult } from './connection.js';
export { PreparedStatement } from './prepared-statement.js';
export type { Column } from './columns.js';
export type { TransactionOptions } from './transaction-options.js';
export type { TransactionStatus } from '../worker/connection.js';
export type { Notification } from '../codec/protocol/index.js';
export type { ConnectionOptions } from '../worker/config/index.js';
export type { SslMode } from '../worker/transport.js';
export type { TypeOptions } from '../codec/types/codec.js';
export * from '../codec/errors/index.js';
