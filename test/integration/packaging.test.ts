// The package as a new user meets it (built first: `npm run build`): what `npm pack` ships,
// require('pgloom') from CommonJS and from a TypeScript project compiled to CommonJS, and the
// published .d.ts files type-checked with skipLibCheck: false in a project without apache-arrow.

import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const resolveFromRoot = createRequire(join(root, 'package.json'));
/** Where an installed dependency really is (node_modules may be a link to another checkout's). */
const installed = (name: string): string => dirname(resolveFromRoot.resolve(`${name}/package.json`));
// Node 20.19+ and 22.12+ can require() an ES module; the flag turns that off to stand for older versions.
const requireModule = (process.features as { require_module?: boolean }).require_module === true;
const withoutRequireModule = requireModule ? ['--no-experimental-require-module'] : [];

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

async function outcome(file: string, args: readonly string[], cwd: string): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run(file, args, { cwd, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** A project directory whose node_modules/pgloom is a link to this checkout (as `npm link` makes). */
function linkedProject(base: string, name: string, packageJson: object): string {
  const dir = join(base, name);
  mkdirSync(join(dir, 'node_modules', '@types'), { recursive: true });
  symlinkSync(root, join(dir, 'node_modules', 'pgloom'), 'dir');
  symlinkSync(installed('@types/node'), join(dir, 'node_modules', '@types', 'node'), 'dir');
  writeFileSync(join(dir, 'package.json'), JSON.stringify(packageJson));
  return dir;
}

const REQUIRE_MESSAGE = /pgloom is an ES module.*cannot require\(\) one.*import \{ connect, createPool \} from 'pgloom'/;

describe('the package', () => {
  let base: string;

  beforeAll(() => {
    if (!existsSync(join(root, 'dist', 'src', 'main', 'require.cjs'))) throw new Error('packaging tests run against the build: run `npm run build` first');
    base = mkdtempSync(join(tmpdir(), 'pgloom-packaging-'));
  });

  afterAll(() => {
    if (base !== undefined) rmSync(base, { recursive: true, force: true });
  });

  it('npm pack ships the build (the bundled command too), LICENSE, README, docs, and the sources every source map names', async () => {
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, timeout: 120_000 });
    const [pack] = JSON.parse(stdout) as { files: { path: string }[] }[];
    const files = new Set(pack.files.map((f) => f.path));
    for (const path of ['LICENSE', 'README.md', 'package.json', 'docs/types.md', 'docs/batches.md', 'dist/src/main/index.js', 'dist/src/main/index.d.ts', 'dist/src/main/require.cjs', 'dist/cli/pgloom.js', 'dist/src/worker/pool/worker-entry.cjs', 'dist/src/worker/pool/worker-bundle.js', 'dist/cli/worker-entry.cjs', 'dist/cli/worker-bundle.js']) {
      expect(files.has(path), path).toBe(true);
    }
    expect([...files].filter((path) => /^(test|bench|demo|scripts|node_modules)\//.test(path))).toEqual([]);
    const maps = [...files].filter((path) => path.endsWith('.map'));
    expect(maps.length).toBeGreaterThan(0);
    const missing = maps.flatMap((map) => {
      const { sources } = JSON.parse(readFileSync(join(root, map), 'utf8')) as { sources: string[] };
      return sources.map((source) => posix.normalize(posix.join(posix.dirname(map), source))).filter((source) => !files.has(source));
    });
    expect(missing).toEqual([]);
    expect(readFileSync(join(root, 'LICENSE'), 'utf8')).toMatch(/^MIT License[\s\S]*pgloom contributors/);
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest.homepage).toMatch(/^https:\/\/github\.com\/pgloom\/pgloom/);
    expect(manifest.repository).toEqual({ type: 'git', url: 'git+https://github.com/pgloom/pgloom.git' });
  });

  it.skipIf(!requireModule)("require('pgloom') gives the ES module's exports where Node.js can require an ES module", async () => {
    const dir = linkedProject(base, 'cjs-works', { type: 'commonjs' });
    const script = "const pgloom = require('pgloom'); console.log(typeof pgloom.connect, typeof pgloom.createPool, pgloom.oids.INT4)";
    const result = await outcome(process.execPath, ['-e', script], dir);
    expect(result).toMatchObject({ code: 0, stdout: 'function function 23\n' });
  });

  it("require('pgloom') fails at once with a message that says to use import, where Node.js cannot require an ES module", async () => {
    const dir = linkedProject(base, 'cjs-fails', { type: 'commonjs' });
    const result = await outcome(process.execPath, [...withoutRequireModule, '-e', "require('pgloom')"], dir);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(REQUIRE_MESSAGE);
    expect(result.stderr).not.toMatch(/ERR_PACKAGE_PATH_NOT_EXPORTED/);
  });

  it('a TypeScript project compiled to CommonJS: node16 resolution is a compile error; node10 compiles, then runs or fails at once with the message', async () => {
    const dir = linkedProject(base, 'ts-cjs', { type: 'commonjs' });
    writeFileSync(join(dir, 'main.ts'), "import { connect, createPool } from 'pgloom';\nconsole.log(typeof connect, typeof createPool);\n");
    const common = ['--target', 'es2022', '--strict', '--skipLibCheck', '--types', 'node', 'main.ts'];
    const node16 = await outcome(process.execPath, [tsc, '--module', 'node16', '--moduleResolution', 'node16', '--noEmit', ...common], dir);
    expect(node16.code).not.toBe(0);
    expect(node16.stdout).toMatch(/TS1479: .*the referenced file is an ECMAScript module and cannot be imported with 'require'/);
    const node10 = await outcome(process.execPath, [tsc, '--module', 'commonjs', '--moduleResolution', 'node10', '--outDir', 'out', ...common], dir);
    expect(node10, node10.stdout).toMatchObject({ code: 0 });
    if (requireModule) expect(await outcome(process.execPath, ['out/main.js'], dir)).toMatchObject({ code: 0, stdout: 'function function\n' });
    const old = await outcome(process.execPath, [...withoutRequireModule, 'out/main.js'], dir);
    expect(old.code).not.toBe(0);
    expect(old.stderr).toMatch(REQUIRE_MESSAGE);
  });

  it('the published .d.ts type-check with skipLibCheck: false where apache-arrow is not installed; generics type results without casts', async () => {
    // A copy, not a link: through a link, TypeScript would find this checkout's node_modules.
    const dir = join(base, 'types');
    const pkg = join(dir, 'node_modules', 'pgloom');
    cpSync(join(root, 'dist', 'src'), join(pkg, 'dist', 'src'), { recursive: true, filter: (path) => !/\.(js|cjs|map)$/.test(path) });
    cpSync(join(root, 'package.json'), join(pkg, 'package.json'));
    mkdirSync(join(dir, 'node_modules', '@types'), { recursive: true });
    symlinkSync(installed('@types/node'), join(dir, 'node_modules', '@types', 'node'), 'dir');
    // comlink is a dependency of pgloom: an install has it.
    symlinkSync(installed('comlink'), join(dir, 'node_modules', 'comlink'), 'dir');
    expect(() => createRequire(join(dir, 'package.json')).resolve('apache-arrow')).toThrow();
    expect(readdirSync(join(pkg, 'dist', 'src', 'main')).some((file) => file.endsWith('.js'))).toBe(false);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: false, noEmit: true, types: ['node'], exactOptionalPropertyTypes: true },
      files: ['check.ts', 'documented.ts'],
    }));
    // The import docs/types.md shows under Exports compiles as written.
    const docs = readFileSync(join(root, 'docs', 'types.md'), 'utf8');
    const documented = /```ts\n(import \{[\s\S]*?\} from 'pgloom';)\n```/.exec(docs.slice(docs.indexOf('## Exports')))?.[1];
    for (const name of ['oids', 'codecFor', 'defaultTypeOptions']) expect(documented).toMatch(new RegExp(`\\b${name}\\b`));
    writeFileSync(join(dir, 'documented.ts'), `${documented!}\nexport {};\n`);
    writeFileSync(join(dir, 'check.ts'), `
import { codecFor, createPool, defaultTypeOptions, oids, type ArrowTable, type Pool, type TypeOptions } from 'pgloom';

interface User { id: number; name: string | null }

export async function typed(pool: Pool): Promise<number> {
  const users: User[] = await pool.fetch<User>('select id, name from users');
  const first: User | null = await pool.fetchrow<User>('select id, name from users');
  const result = await pool.query<User>('select id, name from users');
  const rows: User[] = result.rows;
  const ids: Int32Array = result.column<Int32Array>('id');
  const names: (string | null)[] = result.column<(string | null)[]>('name');
  // @ts-expect-error: a typed array is not a string
  const wrong: string = result.column<Int32Array>('id');
  const table: ArrowTable = result.toArrow();
  for await (const batch of pool.stream<User>('select id from users')) {
    const batchIds: Int32Array = batch.column<Int32Array>(0);
    const batchRows: User[] = batch.toRows();
    void batchIds; void batchRows;
  }
  return users.length + (first?.id ?? 0) + rows.length + ids.length + names.length + table.numRows + wrong.length;
}

const types: TypeOptions = { int8: 'number' };
export const pool = createPool('postgresql://localhost/db', { types });
export const int8: number = oids.INT8;
export const decoder = codecFor(oids.INT8, defaultTypeOptions);
`);
    const result = await outcome(process.execPath, [tsc, '-p', 'tsconfig.json'], dir);
    expect(result.stdout).toBe('');
    expect(result.code).toBe(0);
  });
});
