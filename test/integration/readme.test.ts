// The README's code blocks run as written (TypeScript, against the test server as DATABASE_URL),
// and what they print is what the comment under each console.log says.

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { testDsn } from '../support/server.js';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
const entry = pathToFileURL(join(root, 'dist/src/main/index.js')).href;

interface Block {
  code: string;
  /** The comment line right under each console.log: what it prints. */
  printed: string[];
}

function readmeBlocks(): Block[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  return [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => {
    const lines = match[1].split('\n');
    const printed: string[] = [];
    lines.forEach((line, i) => {
      const next = lines[i + 1]?.trim();
      if (line.trim().startsWith('console.log(') && next?.startsWith('// ')) printed.push(next.slice(3));
    });
    return { code: match[1], printed };
  });
}

describe("the README's code", () => {
  const dir = mkdtempSync(join(tmpdir(), 'pgloom-readme-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const blocks = readmeBlocks();

  it('has code blocks to run', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(2);
  });

  blocks.forEach((block, index) => {
    it(`block ${index + 1} runs as written${block.printed.length > 0 ? ' and prints what it says' : ''}`, async () => {
      // The changes: types stripped (TypeScript's own transpiler), and 'pgloom' resolves to this checkout's build.
      const file = join(dir, `block-${index + 1}.mjs`);
      const javascript = ts.transpileModule(block.code, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
      writeFileSync(file, javascript.replaceAll("from 'pgloom'", `from '${entry}'`));
      const { stdout } = await run(process.execPath, [file], { env: { ...process.env, DATABASE_URL: testDsn() }, timeout: 60_000 });
      const lines = stdout.trimEnd().split('\n');
      for (const [i, expected] of block.printed.entries()) expect(lines[i]).toBe(expected);
    });
  });
});
