import { describe, it, expect, inject } from 'vitest';
import { execFileSync } from 'node:child_process';

// Proves the harness itself: the server is up and reachable with the fixture's settings.
describe('test harness', () => {
  it('provides a DSN for a running server', () => {
    const server = inject('testServer');
    expect(server.dsn).toMatch(/^postgres(ql)?:\/\//);
  });
});
