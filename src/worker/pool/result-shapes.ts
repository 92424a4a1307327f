// Numbers the shapes of this worker's results, so that a result's columns cross to the main thread
// once per statement rather than with every reply (see Shaped in contract.ts).

import type { TypeCatalog } from '../../codec/types/introspected/catalog.js';
import type { StatementDescription } from '../statement.js';
import { columnInfoOf } from './batch-sink.js';
import { SHAPES_REMEMBERED, type Shaped } from './contract.js';

export class ResultShapes {
  private readonly ids = new WeakMap<StatementDescription, number>();
  /** Shapes the main thread knows, oldest first (a Set keeps insertion order). */
  private readonly announced = new Set<number>();
  private lastId = 0;

  constructor(private readonly catalog: TypeCatalog) {}

  /**
   * The shape of `statement`'s result, with its columns when the main thread does not know it
   * yet. (Where `columns` is absent, the main thread's WorkerLink fills it in from the shape.)
   */
  describe(statement: StatementDescription): Shaped {
    let shape = this.ids.get(statement);
    if (shape === undefined) {
      shape = ++this.lastId;
      this.ids.set(statement, shape);
    }
    if (this.announced.has(shape)) return { shape } as Shaped;
    this.announced.add(shape);
    if (this.announced.size > SHAPES_REMEMBERED) this.announced.delete(this.announced.values().next().value!);
    return { shape, columns: columnInfoOf(statement, this.catalog) };
  }
}
