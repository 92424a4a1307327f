// Numbers the shapes of this worker's results, so that a result's columns cross to the main thread
// once per statement rather than with every reply (see Shaped in contract.ts).

import type { TypeCatalog } from '../../codec/types/introspected/catalog.js';
import type { StatementDescription } from '../statement.js';
import { columnInfoOf } from './batch-sink.js';
import { SHAPES_REMEMBERED, type DataEvent, type Shaped } from './contract.js';

/**
 * Where a described event keeps its statement until it leaves. A symbol key: structured clone
 * copies string keys only, so the statement never crosses to the main thread.
 */
const STATEMENT = Symbol('statement of the described result');

type Described = Shaped & { [STATEMENT]?: StatementDescription };

export class ResultShapes {
  private readonly ids = new WeakMap<StatementDescription, number>();
  /** Shapes the main thread knows, oldest first (a Set keeps insertion order). */
  private readonly announced = new Set<number>();
  private lastId = 0;

  constructor(private readonly catalog: TypeCatalog) {}

  /**
   * Mark an event as carrying `statement`'s result shape. Whether its columns go with it is
   * decided when the event leaves (announce), not now: an event described early may leave after
   * later ones (a call waiting for its cancel to land), and the main thread must meet a shape's
   * columns before its number alone, and forget shapes in the order the worker announced them.
   */
  describe(statement: StatementDescription): Shaped {
    let shape = this.ids.get(statement);
    if (shape === undefined) {
      shape = ++this.lastId;
      this.ids.set(statement, shape);
    }
    const described: Described = { shape, columns: undefined as unknown as Shaped['columns'], [STATEMENT]: statement };
    return described;
  }

  /**
   * Called for every event in the order events leave (WorkerServer.emit): a shape's first event
   * takes its columns (again after the shape was forgotten); the others, its number alone.
   */
  announce(event: DataEvent): void {
    const described = (event.type === 'reply' ? event.reply : event) as Partial<Described>;
    const statement = described[STATEMENT];
    if (statement === undefined) return;
    described[STATEMENT] = undefined;
    const shape = described.shape!;
    if (this.announced.has(shape)) return;
    this.announced.add(shape);
    if (this.announced.size > SHAPES_REMEMBERED) this.announced.delete(this.announced.values().next().value!);
    described.columns = columnInfoOf(statement, this.catalog);
  }
}
