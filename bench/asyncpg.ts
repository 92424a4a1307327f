// The asyncpg column: Debian's python3-asyncpg and python3-uvloop, run with Debian's own Python
// (/usr/bin/python3; the python3 first on PATH may be another one). Installed with apt-get when
// missing and possible; otherwise the column is skipped with a line that says why.

import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const PYTHON = '/usr/bin/python3';
/** A Python script in bench/ (the sources, not the build: tsc does not copy .py files). */
const scriptPath = (name: string) => fileURLToPath(new URL(`../../bench/${name}`, import.meta.url));

function importable(): boolean {
  return spawnSync(PYTHON, ['-c', 'import asyncpg, uvloop'], { stdio: 'ignore' }).status === 0;
}

/** Whether asyncpg can run; tries `apt-get install` once if it is missing. Says why when not. */
export function asyncpgAvailable(install: boolean): boolean {
  if (importable()) return true;
  if (install && process.getuid?.() === 0 && spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0) {
    console.log('installing python3-asyncpg and python3-uvloop with apt-get for the asyncpg column…');
    spawnSync('apt-get', ['install', '-y', '-q', 'python3-asyncpg', 'python3-uvloop'], { stdio: 'ignore' });
    if (importable()) return true;
  }
  console.log(`asyncpg column skipped: ${PYTHON} cannot import asyncpg and uvloop (install python3-asyncpg and python3-uvloop)`);
  return false;
}

/** Run the Python child (asyncpg_child.py unless another script is named); resolves with its JSON figures. */
export function runAsyncpg<T>(args: string[], script = 'asyncpg_child.py'): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [scriptPath(script), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim()) as T) : reject(new Error(`asyncpg ${script} exited with ${code}`))));
  });
}
