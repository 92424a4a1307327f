export { Layout, layoutFor, newFixedValues, buffersOf, type BatchData, type ColumnData, type FixedValues } from './layout.js';
export { BatchBuilder, type BatchHint, type BatchLimits } from './batch-builder.js';
export { cellReader, isPresent, type CellReader } from './cell-reader.js';
