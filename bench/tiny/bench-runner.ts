// One tinybench Bench per table, configured from the settings, run and printed; tasks that
// --filter leaves out are never added, and a Bench left with none is skipped.

import { Bench, type Fn } from 'tinybench';
import { selected, type TinySettings } from './settings.js';
import { printTable, tableOf, type TinyTable } from './table.js';

export class TinyBench {
  private readonly bench: Bench;

  constructor(
    private readonly settings: TinySettings,
    private readonly table: Omit<TinyTable, 'rows'>,
  ) {
    this.bench = new Bench({
      name: table.name,
      time: settings.timeMs,
      warmupTime: settings.warmupMs,
      iterations: settings.iterations,
      warmupIterations: settings.warmupIterations,
      // A failing task fails the run (and CI's smoke run) instead of leaving an empty row.
      throws: true,
    });
  }

  /** Whether --filter selects any of these tasks (to skip building the inputs of a Bench that would not run). */
  selectsAny(tasks: readonly string[]): boolean {
    return tasks.some((task) => selected(this.settings, this.table.suite, this.table.name, task));
  }

  /** Add the task when --filter selects it. */
  add(task: string, fn: Fn): this {
    if (selected(this.settings, this.table.suite, this.table.name, task)) this.bench.add(task, fn);
    return this;
  }

  /** Run the tasks one after another and print the table; undefined when none was selected. */
  async run(): Promise<TinyTable | undefined> {
    if (this.bench.tasks.length === 0) return undefined;
    await this.bench.run();
    const table = tableOf(this.bench, this.table);
    printTable(table);
    return table;
  }
}
