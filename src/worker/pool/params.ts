// Parameters cross to the worker by structured clone, which keeps Dates, bigints and typed arrays
// but drops class identity and symbol-keyed properties. What the encoders rely on of those —
// JsonText, and the lower bounds tagged on an array — is tagged on the way out and rebuilt on the
// way in.

import { arrayLowerBounds, withArrayLowerBounds } from '../../codec/types/containers/index.js';
import { JsonText } from '../../codec/types/json.js';
import { PreEncoded } from '../../codec/types/introspected/pre-encoded.js';

const JSON_TEXT_TAG = '$pgloom:JsonText';
const PRE_ENCODED_TAG = '$pgloom:PreEncoded';
const BOUNDED_ARRAY_TAG = '$pgloom:BoundedArray';

interface TaggedJsonText {
  [JSON_TEXT_TAG]: string;
}

interface TaggedBoundedArray {
  [BOUNDED_ARRAY_TAG]: unknown[];
  lowerBounds: number[];
}

function tagged(value: unknown, tag: string): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.prototype.hasOwnProperty.call(value, tag);
}

/** Only arrays holding something to tag are copied; plain ones cross as they are. */
function needsPacking(value: unknown): boolean {
  return value instanceof JsonText || (Array.isArray(value) && (arrayLowerBounds(value) !== undefined || value.some(needsPacking)));
}

interface TaggedPreEncoded {
  [PRE_ENCODED_TAG]: Uint8Array;
  format: 0 | 1;
}

function pack(value: unknown): unknown {
  if (value instanceof JsonText) return { [JSON_TEXT_TAG]: value.text } satisfies TaggedJsonText;
  if (value instanceof PreEncoded) return { [PRE_ENCODED_TAG]: value.bytes, format: value.format } satisfies TaggedPreEncoded;
  if (!Array.isArray(value) || !needsPacking(value)) return value;
  const elements = value.map(pack);
  const bounds = arrayLowerBounds(value);
  return bounds === undefined ? elements : ({ [BOUNDED_ARRAY_TAG]: elements, lowerBounds: [...bounds] } satisfies TaggedBoundedArray);
}

function unpack(value: unknown): unknown {
  if (tagged(value, JSON_TEXT_TAG)) return new JsonText((value as TaggedJsonText)[JSON_TEXT_TAG]);
  if (tagged(value, PRE_ENCODED_TAG)) return new PreEncoded((value as TaggedPreEncoded)[PRE_ENCODED_TAG], (value as TaggedPreEncoded).format);
  if (tagged(value, BOUNDED_ARRAY_TAG)) {
    const bounded = value as TaggedBoundedArray;
    return withArrayLowerBounds(bounded[BOUNDED_ARRAY_TAG].map(unpack), bounded.lowerBounds);
  }
  if (Array.isArray(value) && value.some((v) => Array.isArray(v) || tagged(v, JSON_TEXT_TAG) || tagged(v, BOUNDED_ARRAY_TAG))) return value.map(unpack);
  return value;
}

/** Main thread: make one parameter array safe to clone. */
export function packParams(params: readonly unknown[]): unknown[] {
  return params.map(pack);
}

/** Worker: restore what packParams tagged. */
export function unpackParams(params: readonly unknown[]): unknown[] {
  return params.map(unpack);
}
