// The file piscina loads in each pool worker thread. piscina require()s a worker's script first,
// and Node.js 20.19+ require()s an ES module synchronously: a thread terminated in the middle of
// that (a pool closed or terminated while its workers start) aborted the whole process with a V8
// fatal error, "v8::Module::IsGraphAsync must be used on an instantiated module" (Node.js 20.20;
// it ended a CI run). This entry is CommonJS, so the require() is an ordinary one, and it loads
// the worker's ES module with import(), whose loader a termination merely stops.
//
// Beside it, always: worker-bundle.js, worker-main.ts and all it imports in one file
// (scripts/bundle-pool-worker.ts, and the command's own bundle in dist/cli/).

// Named through a variable: the bundle has no TypeScript of its own; worker-main.ts gives its type.
const bundle = './worker-bundle.js';
const workerMain = import(bundle) as Promise<typeof import('./worker-main.js')>;
// A failed load is reported by the serve task that awaits it, not as an unhandled rejection first.
workerMain.catch(() => undefined);

export = async function serve(task: Parameters<Awaited<typeof workerMain>['default']>[0]): Promise<void> {
  return (await workerMain).default(task);
};
