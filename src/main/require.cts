// require('pgloom'): pgloom is an ES module. Node.js 20.19+ and 22.12+ can require() an ES module,
// and then this gives the same module `import` does; older versions get a clear error at once
// rather than ERR_PACKAGE_PATH_NOT_EXPORTED or a failure deep in a CommonJS build of TypeScript.

function loadEsModule(): unknown {
  try {
    return require('./index.js');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== 'ERR_REQUIRE_ESM' && code !== 'ERR_REQUIRE_ASYNC_MODULE') throw error;
    throw new Error(
      `pgloom is an ES module, and Node.js ${process.version} cannot require() one (Node.js 20.19+ and 22.12+ can): ` +
        "use `import { connect, createPool } from 'pgloom'`, or `const { connect } = await import('pgloom')` from CommonJS " +
        "(in TypeScript, \"module\": \"nodenext\" keeps import() as written)",
      { cause: error },
    );
  }
}

export = loadEsModule();
