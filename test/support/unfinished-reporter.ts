// When a test file's process dies (a fatal V8 error, a native crash, an OOM kill), vitest says
// only "Worker exited unexpectedly", without naming the file. This reporter names, at the very end
// of the output (the part a CI log keeps), every test file that started and never ended and the
// tests it left unfinished, and prints the gist of any Node.js diagnostic report that a fatal error
// wrote (the test processes run with --report-on-fatalerror into REPORT_DIRECTORY).

import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { Reporter, TestCase, TestModule } from 'vitest/node';

export const REPORT_DIRECTORY = join(tmpdir(), `pgloom-test-reports-${process.pid}`);

type FatalReport = {
  header?: { event?: string; trigger?: string };
  javascriptHeap?: { usedMemory?: number; totalMemory?: number };
  resourceUsage?: { maxRss?: number }; javascriptStack?: { message?: string; stack?: string[] }; nativeStack?: { symbol?: string }[] };

export default class UnfinishedReporter implements Reporter {
  private readonly running = new Map<string, Set<string>>();

  onInit(): void {
    rmSync(REPORT_DIRECTORY, { recursive: true, force: true });
    mkdirSync(REPORT_DIRECTORY, { recursive: true });
  }

  onTestModuleStart(module: TestModule): void {
    this.running.set(module.moduleId, new Set());
  }

  onTestModuleEnd(module: TestModule): void {
    this.running.delete(module.moduleId);
  }

  onTestCaseReady(test: TestCase): void {
    this.running.get(test.module.moduleId)?.add(test.fullName);
  }

  onTestCaseResult(test: TestCase): void {
    this.running.get(test.module.moduleId)?.delete(test.fullName);
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const unended = modules.filter((module) => this.running.has(module.moduleId) || module.state() === 'pending' || module.state() === 'queued');
    for (const module of unended) {
      console.error(`\npgloom: the test file ${module.relativeModuleId} started and never ended (its process exited).`);
      // Results reach this process in batches: tests that ended just before the exit may show as unfinished.
      const reported = [...module.children.allTests()].filter((test) => test.result().state === 'pending').map((test) => test.fullName);
      for (const name of new Set([...(this.running.get(module.moduleId) ?? []), ...reported])) console.error(`  unfinished: ${name}`);
    }
    const reports = existsSync(REPORT_DIRECTORY) ? readdirSync(REPORT_DIRECTORY) : [];
    for (const file of reports) console.error(describeReport(join(REPORT_DIRECTORY, file)));
    if (reports.length === 0) rmSync(REPORT_DIRECTORY, { recursive: true, force: true });
  }
}

function describeReport(path: string): string {
  try {
    const report = JSON.parse(readFileSync(path, 'utf8')) as FatalReport;
    const stack = (report.javascriptStack?.stack ?? []).slice(0, 12).join('\n    ');
    const native = (report.nativeStack ?? []).slice(0, 8).map((frame) => frame.symbol ?? '?').join('\n    ');
    const megabytes = (bytes: number | undefined) => (bytes === undefined ? '?' : `${Math.round(bytes / 2 ** 20)} MB`);
    const memory = `JS heap ${megabytes(report.javascriptHeap?.usedMemory)} used of ${megabytes(report.javascriptHeap?.totalMemory)}, max RSS ${megabytes(report.resourceUsage?.maxRss)}`;
    return `\npgloom: a test process wrote a fatal-error report (${path}): ${report.header?.event ?? '?'} (${report.header?.trigger ?? '?'}); ${memory}\n  ${report.javascriptStack?.message ?? ''}\n    ${stack}\n  native:\n    ${native}`;
  } catch (error) {
    return `\npgloom: an unreadable diagnostic report ${path}: ${String(error)}`;
  }
}
