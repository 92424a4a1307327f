// The pool's types on the main thread. Batches are decoded here, so this is where introspected
// types get their codecs (from the descriptions workers send with each result's columns) and where
// custom codecs live; workers only learn, as plain data with every task, which types to request
// in text or binary and which built-in codec aliases to use. Custom encoders cannot run in a
// worker either: parameters of such types are encoded here too (ParamEncoder).

import type { TypeCodec, TypeOptions } from '../codec/types/codec.js';
import { TypeCatalog, type WireTypeSettings } from '../codec/types/introspected/catalog.js';
import type { TypeCodecSpec } from '../codec/types/introspected/custom.js';
import type { TypeDescription } from '../codec/types/introspected/description.js';
import type { ColumnInfo } from '../worker/pool/contract.js';
import type { BuiltinCodecOptions } from './connection.js';

export type TypeLookup = (typeName: string, schema: string | undefined) => Promise<{ oid: number; types: TypeDescription[] }>;

export class PoolTypes {
  readonly catalog: TypeCatalog;
  private epoch = 0;
  private readonly textOids = new Set<number>();
  private readonly binaryOids = new Set<number>();
  private readonly aliases = new Map<number, string>();
  private settings: WireTypeSettings | undefined;
  private customised = false;

  constructor(options: TypeOptions, private readonly lookup: TypeLookup) {
    this.catalog = new TypeCatalog(options);
  }

  /** What every task tells its worker; undefined while nothing was customised (the common case). */
  get wire(): WireTypeSettings | undefined {
    return this.settings;
  }

  /** Whether a custom or exchanged codec is set now (those run on this thread for the workers). */
  get hasCustomCodecs(): boolean {
    return this.textOids.size > 0 || this.binaryOids.size > 0 || this.aliases.size > 0;
  }

  reload(): void {
    this.epoch++;
    this.catalog.reset();
    this.update();
  }

  async setTypeCodec<T>(typeName: string, spec: TypeCodecSpec<T>): Promise<void> {
    const oid = await this.find(typeName, spec.schema);
    this.catalog.setCustomCodec(oid, spec);
    this.forget(oid);
    // Workers need not have a codec for the type: they only request the format the decoder reads.
    (spec.format === 'text' ? this.textOids : this.binaryOids).add(oid);
    this.update();
  }

  async setBuiltinTypeCodec(typeName: string, options: BuiltinCodecOptions): Promise<void> {
    const oid = await this.find(typeName, options.schema);
    this.catalog.setBuiltinCodec(oid, options.codecName);
    this.forget(oid);
    this.aliases.set(oid, options.codecName);
    this.update();
  }

  async resetTypeCodec(typeName: string, schema: string | undefined): Promise<void> {
    const oid = await this.find(typeName, schema);
    this.catalog.resetCodec(oid);
    this.forget(oid);
    this.update();
  }

  /** The codec to read each column's cells with (after learnFrom took in their descriptions). */
  codecsOf(columns: readonly ColumnInfo[]): (TypeCodec | undefined)[] {
    return columns.map((column) => {
      if (column.format === 1) return this.catalog.binaryCodecFor(column.typeOid);
      // A text column goes through a codec only when it is the user's text codec.
      const codec = this.catalog.codecFor(column.typeOid);
      return codec?.format === 'text' ? codec : undefined;
    });
  }

  /** Take in the type descriptions a worker sent with a result's columns. */
  learnFrom(columns: readonly ColumnInfo[]): void {
    for (const column of columns) if (column.types !== undefined) this.learn(column.types);
  }

  private learn(types: readonly TypeDescription[]): void {
    // Known types are skipped: adding rebuilds codecs, and results would pay for it every time.
    const fresh = types.filter((type) => this.catalog.description(type.oid) === undefined);
    if (fresh.length > 0) this.catalog.add(fresh);
  }

  private async find(typeName: string, schema: string | undefined): Promise<number> {
    const { oid, types } = await this.lookup(typeName, schema);
    this.learn(types);
    return oid;
  }

  private forget(oid: number): void {
    this.textOids.delete(oid);
    this.binaryOids.delete(oid);
    this.aliases.delete(oid);
  }

  private update(): void {
    // Once anything was customised, workers must keep hearing the settings: an empty set after a
    // reset is news to them too.
    this.customised ||= this.epoch > 0 || this.textOids.size > 0 || this.binaryOids.size > 0 || this.aliases.size > 0;
    const customised = this.customised;
    this.settings = customised
      ? { epoch: this.epoch, textOids: [...this.textOids], binaryOids: [...this.binaryOids], aliases: [...this.aliases] }
      : undefined;
  }
}
