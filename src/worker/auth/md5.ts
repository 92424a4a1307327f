// PostgreSQL's MD5 password answer: the server stores md5(password || user) and asks us to salt it.

import { createHash } from 'node:crypto';

function md5Hex(...parts: (string | Uint8Array)[]): string {
  const hash = createHash('md5');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
}

/** 'md5' + hex(md5(hex(md5(password + user)) + salt)). */
export function md5Password(user: string, password: string, salt: Uint8Array): string {
  return 'md5' + md5Hex(md5Hex(password, user), salt);
}
