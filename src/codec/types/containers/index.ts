// Public API of the container types (arrays, ranges, multiranges), for the package index to re-export.

export { arrayLowerBounds, withArrayLowerBounds, MAX_ARRAY_DIMENSIONS } from './array.js';
export { makeRange, emptyRange, type Range, type RangeBounds } from './range.js';
export type { Multirange } from './multirange.js';
export { parseRangeLiteral, parseMultirangeLiteral } from './range-literal.js';
