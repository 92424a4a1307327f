// Vitest global setup for the integration project: one real PostgreSQL for the whole run.
// PGLOOM_TEST_DSN points the suite at an existing server instead (fixture roles then absent);
// PGLOOM_TEST_SERVER=debian uses Debian's PostgreSQL 15 instead of the embedded PostgreSQL 18.

import type { TestProject } from 'vitest/node';
import { startCluster, type RunningCluster, type ServerFlavor } from '../../scripts/local-postgres.js';

export interface TestServerInfo {
  dsn: string;
  /** Present when this run started its own cluster with the auth/TLS fixture. */
  fixture?: { host: string; port: number; socketDir: string; certDir: string; database: string; flavor: ServerFlavor };
}

declare module 'vitest' {
  export interface ProvidedContext {
    testServer: TestServerInfo;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.PGLOOM_TEST_DSN;
  if (external) {
    project.provide('testServer', { dsn: external });
    return async () => {};
  }
  const flavor: ServerFlavor = process.env.PGLOOM_TEST_SERVER === 'debian' ? 'debian' : 'embedded';
  const cluster: RunningCluster = await startCluster(flavor);
  const { host, port, socketDir, certDir, database } = cluster;
  project.provide('testServer', { dsn: cluster.dsn, fixture: { host, port, socketDir, certDir, database, flavor } });
  return () => cluster.stop();
}
