// Public API of introspected and custom types, for the package index to re-export.

export type { TypeDescription, TypeKind, TypeAttribute } from './description.js';
export type { Hstore } from './hstore.js';
export type { TypeCodecSpec, TextCodecSpec, BinaryCodecSpec, TupleCodecSpec } from './custom.js';
