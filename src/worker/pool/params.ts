// Parameters cross to the worker by structured clone, which keeps Dates, bigints and typed arrays
// but drops class identity. The few classes whose identity the encoders rely on are tagged on the
// way out and rebuilt on the way in.

import { JsonText } from '../../codec/types/json.js';

const JSON_TEXT_TAG = '$pgloom:JsonText';

interface TaggedJsonText {
  [JSON_TEXT_TAG]: string;
}

function isTaggedJsonText(value: unknown): value is TaggedJsonText {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as Record<string, unknown>)[JSON_TEXT_TAG] === 'string';
}

function pack(value: unknown): unknown {
  if (value instanceof JsonText) return { [JSON_TEXT_TAG]: value.text };
  if (Array.isArray(value)) return value.some((v) => v instanceof JsonText || Array.isArray(v)) ? value.map(pack) : value;
  return value;
}

function unpack(value: unknown): unknown {
  if (isTaggedJsonText(value)) return new JsonText(value[JSON_TEXT_TAG]);
  if (Array.isArray(value)) return value.some((v) => isTaggedJsonText(v) || Array.isArray(v)) ? value.map(unpack) : value;
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
