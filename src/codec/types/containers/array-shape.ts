// What arrays look like from JS, shared by the binary and the text array codecs: lower bounds
// recorded on decoded arrays, and the shape (dimension lengths) of a JS value sent as an array,
// checked to be rectangular before anything is written.

import { ParameterError } from '../../errors/client-errors.js';
import { describeValue } from '../describe.js';

/** PostgreSQL's MAXDIM: the server refuses arrays with more dimensions. */
export const MAX_ARRAY_DIMENSIONS = 6;

// Symbol.for, so two copies of the package (e.g. a CJS and an ESM build) agree on the key.
const LOWER_BOUNDS = Symbol.for('pgloom.arrayLowerBounds');

type WithBounds = { [LOWER_BOUNDS]?: readonly number[] };

/**
 * The lower bound of each dimension recorded on an array decoded by pgloom (or tagged with
 * `withArrayLowerBounds`), outermost first; undefined when none is recorded, which means every
 * dimension starts at 1 (PostgreSQL's default).
 */
export function arrayLowerBounds(array: readonly unknown[]): readonly number[] | undefined {
  return typeof array === 'object' && array !== null ? (array as WithBounds)[LOWER_BOUNDS] : undefined;
}

/**
 * Tags `array` (in place; it is also returned) with the lower bound of each dimension, outermost
 * first, for sending as a parameter: `withArrayLowerBounds([1, 2, 3], [0])` is `'[0:2]={1,2,3}'`.
 * The number of bounds is the number of dimensions, which also settles how deep nested JS arrays
 * are taken as dimensions (needed for element types whose values are JS arrays, such as json).
 */
export function withArrayLowerBounds<A extends readonly unknown[]>(array: A, lowerBounds: readonly number[]): A {
  if (!Array.isArray(array)) throw new ParameterError(`withArrayLowerBounds: expected an array, got ${describeValue(array)}`);
  recordLowerBounds(array, checkBounds(lowerBounds));
  return array;
}

/** Records decoded bounds on a decoded array (non-enumerable, so the array still looks plain). */
export function recordLowerBounds(array: unknown[], bounds: readonly number[]): void {
  Object.defineProperty(array, LOWER_BOUNDS, { value: Object.freeze([...bounds]), enumerable: false, configurable: true, writable: false });
}

function checkBounds(bounds: unknown): readonly number[] {
  if (!Array.isArray(bounds) || bounds.length < 1 || bounds.length > MAX_ARRAY_DIMENSIONS) {
    throw new ParameterError(`array lower bounds must be an array of 1 to ${MAX_ARRAY_DIMENSIONS} integers (one per dimension), got ${describeValue(bounds)}`);
  }
  for (const bound of bounds) {
    if (!Number.isInteger(bound) || bound < -2147483648 || bound > 2147483647) {
      throw new ParameterError(`array lower bounds must be int32 integers, got ${describeValue(bound)}`);
    }
  }
  return Object.freeze([...(bounds as number[])]);
}

/** Typed arrays (not DataView) stand for 1-D arrays of numbers when the element type is numeric. */
function isTypedArray(value: unknown): value is ArrayLike<unknown> {
  return ArrayBuffer.isView(value) && !(value instanceof DataView);
}

export function indexPath(path: readonly number[]): string {
  return path.map((i) => `[${i}]`).join('');
}

export interface ShapeRules {
  /** Element values may themselves be JS arrays: nesting beyond one level needs recorded bounds. */
  elementsMayBeArrays: boolean;
  /** Typed arrays are accepted as (innermost) dimensions. */
  acceptsTypedArrays: boolean;
}

/** A JS value checked to be sendable as a PostgreSQL array. */
export interface ArrayShape {
  /** Length of each dimension, outermost first; [] or a 0 length means the empty array. */
  dims: number[];
  /** Lower bounds recorded on the value, when any. */
  bounds: readonly number[] | undefined;
  /** Number of elements in all. */
  items: number;
}

export function isArraySequence(value: unknown, rules: ShapeRules): value is ArrayLike<unknown> {
  return Array.isArray(value) || (rules.acceptsTypedArrays && isTypedArray(value));
}

/** The shape of `value`, or a ParameterError saying why it is not a rectangular array. */
export function arrayShape(value: unknown, rules: ShapeRules): ArrayShape {
  if (!isArraySequence(value, rules)) {
    const accepted = rules.acceptsTypedArrays ? 'a JS array (nested for more dimensions) or a typed array' : 'a JS array (nested for more dimensions)';
    throw new ParameterError(`expected ${accepted}, got ${describeValue(value)}`);
  }
  const recorded = Array.isArray(value) ? arrayLowerBounds(value) : undefined;
  const bounds = recorded === undefined ? undefined : checkBounds(recorded);
  const dims = dimensionsOf(value, bounds?.length, rules);
  if (bounds !== undefined && dims.length !== bounds.length) {
    throw new ParameterError(`the array's lower bounds give ${bounds.length} dimension(s) but it is nested only ${dims.length} deep`);
  }
  checkRectangular(value, dims, 0, [], rules);
  const items = dims.reduce((product, size) => product * size, dims.length === 0 ? 0 : 1);
  return { dims, bounds, items };
}

/** The length of each dimension, from the value's first elements (or its recorded bounds' count). */
function dimensionsOf(value: ArrayLike<unknown>, ndimFromBounds: number | undefined, rules: ShapeRules): number[] {
  const dims: number[] = [];
  let probe: unknown = value;
  const maxDepth = ndimFromBounds ?? (rules.elementsMayBeArrays ? 1 : Infinity);
  while (dims.length < maxDepth && isArraySequence(probe, rules)) {
    dims.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0];
  }
  if (ndimFromBounds !== undefined) {
    // Pad with zero lengths where the first elements ran out early ([] tagged as 2-D).
    while (dims.length < ndimFromBounds && dims.at(-1) === 0) dims.push(0);
  }
  if (dims.length > MAX_ARRAY_DIMENSIONS) {
    throw new ParameterError(`arrays have at most ${MAX_ARRAY_DIMENSIONS} dimensions in PostgreSQL, this one is nested ${dims.length} deep`);
  }
  return dims;
}

/** Throws unless every sub-array at every level has the length of the first one. */
function checkRectangular(value: ArrayLike<unknown>, dims: readonly number[], level: number, path: number[], rules: ShapeRules): void {
  if (value.length !== dims[level]) {
    const first = indexPath(path.map(() => 0));
    throw new ParameterError(
      `multi-dimensional arrays must be rectangular: sub-array ${indexPath(path)} has ${value.length} element(s) but ${first} has ${dims[level]}`,
    );
  }
  for (let i = 0; i < value.length; i++) {
    const item = value[i];
    if (level < dims.length - 1) {
      if (!isArraySequence(item, rules)) {
        throw new ParameterError(
          `multi-dimensional arrays must be rectangular: ${indexPath([...path, i])} is ${describeValue(item)} where an array of ${dims[level + 1]} element(s) is expected (a NULL sub-array cannot be sent; use an array of nulls)`,
        );
      }
      checkRectangular(item, dims, level + 1, [...path, i], rules);
    } else if (!rules.elementsMayBeArrays && isArraySequence(item, rules)) {
      throw new ParameterError(
        `multi-dimensional arrays must be rectangular: ${indexPath([...path, i])} is an array, but the first elements make this array ${dims.length}-dimensional`,
      );
    }
  }
}

/** Checks one element before it is encoded: undefined is refused (null is NULL). */
export function checkElement(item: unknown, path: readonly number[]): void {
  if (item === undefined) throw new ParameterError(`array element ${indexPath(path)} is undefined: use null for a NULL element`);
}

/** Runs an element's encoder, prefixing its ParameterError with the element's position. */
export function encodingElement<T>(path: readonly number[], run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof ParameterError) throw new ParameterError(`array element ${indexPath(path)}: ${error.message}`, { cause: error });
    throw error;
  }
}
