import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { md5Password } from '../../../src/worker/auth/md5.js';

describe('md5Password', () => {
  it('hashes password and user, then the hex with the salt', () => {
    const salt = new Uint8Array([0x01, 0xfe, 0x7f, 0x80]);
    const inner = createHash('md5').update('secretalice').digest('hex');
    const outer = createHash('md5').update(Buffer.concat([Buffer.from(inner, 'latin1'), Buffer.from(salt)])).digest('hex');
    expect(md5Password('alice', 'secret', salt)).toBe('md5' + outer);
    expect(md5Password('alice', 'secret', salt)).toMatch(/^md5[0-9a-f]{32}$/);
  });

  it('encodes non-ASCII as UTF-8', () => {
    const salt = new Uint8Array(4);
    const inner = createHash('md5').update(Buffer.from('pässwörd', 'utf8')).update(Buffer.from('zoë', 'utf8')).digest('hex');
    const outer = createHash('md5').update(inner).update(salt).digest('hex');
    expect(md5Password('zoë', 'pässwörd', salt)).toBe('md5' + outer);
  });
});
