// The PostgreSQL wire protocol (version 3): frontend message writers, the backend framer
// and parsers. Pure: no sockets, no timers.

export * from './message-types.js';
export * from './framer.js';
export * from './startup-messages.js';
export * from './query-messages.js';
export * from './copy-messages.js';
export * from './backend-messages.js';
export * from './error-fields.js';
export * from './parameter-limit.js';
export * from './data-row.js';
