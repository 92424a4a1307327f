import { describe, expect, it } from 'vitest';
import { saslprepPassword, saslprepStrict } from '../../../src/worker/auth/saslprep.js';

describe('SASLprep', () => {
  // RFC 4013 §3.
  it('follows the RFC 4013 examples', () => {
    expect(saslprepStrict('I\u00ADX')).toBe('IX'); // soft hyphen mapped to nothing
    expect(saslprepStrict('user')).toBe('user'); // no transformation
    expect(saslprepStrict('USER')).toBe('USER'); // case preserved
    expect(saslprepStrict('\u00AA')).toBe('a'); // NFKC
    expect(saslprepStrict('\u2168')).toBe('IX'); // NFKC
    expect(saslprepStrict('\u0007')).toBeUndefined(); // prohibited
    expect(saslprepStrict('\u0627\u0031')).toBeUndefined(); // bidi check
  });

  it('maps non-ASCII spaces to SPACE and removes zero-width characters', () => {
    expect(saslprepStrict('a\u00A0b\u3000c')).toBe('a b c');
    expect(saslprepStrict('a\uFEFFb\u200Dc')).toBe('abc');
  });

  it('applies the bidi rules', () => {
    expect(saslprepStrict('\u0627\u0031\u0628')).toBe('\u0627\u0031\u0628'); // starts and ends with RandAL
    expect(saslprepStrict('\u0627a\u0628')).toBeUndefined(); // mixes RandAL and L
    expect(saslprepStrict('abc\u05D0')).toBeUndefined();
  });

  it('rejects private use and non-characters', () => {
    expect(saslprepStrict('a\uE000')).toBeUndefined();
    expect(saslprepStrict('a\uFFFF')).toBeUndefined();
    expect(saslprepStrict('\u{E0001}')).toBeUndefined();
  });

  it('falls back to the raw password when SASLprep fails, as PostgreSQL does', () => {
    expect(saslprepPassword('pass\u0007word')).toBe('pass\u0007word');
    expect(saslprepPassword('\u2168')).toBe('IX');
  });
});
