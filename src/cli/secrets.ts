// Keeps passwords out of everything the CLI prints: a DSN or a message may carry one.

/** `scheme://user:password@host` → `scheme://user:***@host`; `password=…` keywords likewise. */
export function withoutPasswords(text: string, knownSecrets: readonly string[] = []): string {
  let scrubbed = text
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):[^\s@/]*@/gi, '$1:***@')
    .replace(/(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&]+)/gi, '$1***');
  // A password that reached a message some other way (e.g. from PGPASSWORD) is removed verbatim.
  for (const secret of knownSecrets) if (secret.length >= 3) scrubbed = scrubbed.split(secret).join('***');
  return scrubbed;
}

/** The passwords this process could hold: PGPASSWORD and the ones inside the DSNs it was given. */
export function secretsOf(dsns: readonly (string | undefined)[]): string[] {
  const secrets: string[] = [];
  if (process.env.PGPASSWORD) secrets.push(process.env.PGPASSWORD);
  for (const dsn of dsns) {
    if (dsn === undefined) continue;
    const url = /^[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:([^\s@/]*)@/i.exec(dsn);
    if (url) secrets.push(url[1], safeDecode(url[1]));
    const keyword = /\bpassword\s*=\s*('(?:[^'\\]|\\.)*'|\S+)/i.exec(dsn);
    if (keyword) secrets.push(keyword[1].replace(/^'|'$/g, ''));
  }
  return secrets;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
