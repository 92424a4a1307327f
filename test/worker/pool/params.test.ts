import { describe, expect, it } from 'vitest';
import { arrayLowerBounds, withArrayLowerBounds } from '../../../src/codec/types/containers/index.js';
import { JsonText } from '../../../src/codec/types/json.js';
import { packParams, unpackParams } from '../../../src/worker/pool/contract.js';

/** What a worker receives: the packed parameters after a structured clone. */
const crossThreads = (params: unknown[]) => unpackParams(structuredClone(packParams(params)));

describe('parameters crossing to a pool worker', () => {
  it('keep dates, bigints, bytes, nulls and plain arrays as they are', () => {
    const params = [new Date(86_400_000), 2n ** 63n - 1n, new Uint8Array([1, 2]), null, [[1, 2], [3, null]], { a: 1 }];
    expect(crossThreads(params)).toEqual(params);
  });

  it('rebuild JsonText, also inside arrays', () => {
    const [single, list] = crossThreads([new JsonText('{"a": 1}'), [new JsonText('1'), null]]) as [JsonText, JsonText[]];
    expect(single).toBeInstanceOf(JsonText);
    expect(single.text).toBe('{"a": 1}');
    expect(list[0]).toBeInstanceOf(JsonText);
    expect(list[1]).toBeNull();
  });

  it('keep the lower bounds tagged on an array (lost by a plain structured clone)', () => {
    const bounded = withArrayLowerBounds([[1, 2], [3, 4]], [0, -1]);
    expect(arrayLowerBounds(structuredClone(bounded))).toBeUndefined();
    const [received] = crossThreads([bounded]) as [number[][]];
    expect(received).toEqual([[1, 2], [3, 4]]);
    expect(arrayLowerBounds(received)).toEqual([0, -1]);
  });
});
