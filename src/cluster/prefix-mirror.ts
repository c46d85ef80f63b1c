/**
 * A local copy of every key under a prefix, kept in sync: one range read, then a watch
 * from the read's revision + 1. If the watch's history was compacted (STORE_COMPACTED),
 * it reads again and reports the difference as one change, so a listener never misses a
 * transition even across a compaction.
 */
import { isStoreError, type KeyValue, type Store, type Watch } from "../store/index.js";
import { Listeners } from "./listeners.js";

export interface MirrorChange {
  /** Keys added or updated, with their new value. */
  readonly put: readonly KeyValue[];
  /** Keys removed, with their last known value. */
  readonly deleted: readonly KeyValue[];
  /** The revision the mirror reflects after this change. */
  readonly revision: number;
}

export class PrefixMirror {
  private readonly entries = new Map<string, KeyValue>();
  private watch: Watch | undefined;
  private closed = false;
  private rev = 0;
  private readonly changes = new Listeners<MirrorChange>();
  private readonly errors = new Listeners<Error>();

  private constructor(
    private readonly store: Store,
    readonly prefix: string,
  ) {}

  static async open(store: Store, prefix: string): Promise<PrefixMirror> {
    const m = new PrefixMirror(store, prefix);
    await m.resync();
    return m;
  }

  get revision(): number {
    return this.rev;
  }

  get(key: string): KeyValue | undefined {
    return this.entries.get(key);
  }

  values(): KeyValue[] {
    return [...this.entries.values()];
  }

  onChange(fn: (change: MirrorChange) => void): () => void {
    return this.changes.add(fn);
  }

  /** Errors the mirror cannot recover from by itself (after retries). */
  onError(fn: (error: Error) => void): () => void {
    return this.errors.add(fn);
  }

  private async resync(): Promise<void> {
    this.watch?.close();
    this.watch = undefined;
    const snap = await this.store.range(this.prefix);
    if (this.closed) return;
    const put: KeyValue[] = [];
    const seen = new Set<string>();
    for (const kv of snap.kvs) {
      seen.add(kv.key);
      const old = this.entries.get(kv.key);
      if (old === undefined || old.modRevision !== kv.modRevision) put.push(kv);
      this.entries.set(kv.key, kv);
    }
    const deleted: KeyValue[] = [];
    for (const [key, kv] of this.entries) {
      if (!seen.has(key)) {
        deleted.push(kv);
        this.entries.delete(key);
      }
    }
    this.rev = snap.revision;
    if (put.length > 0 || deleted.length > 0) this.changes.emit({ put, deleted, revision: this.rev });
    this.watch = this.store.watch(this.prefix, {
      fromRevision: snap.revision + 1,
      onEvents: (batch) => {
        const p: KeyValue[] = [];
        const d: KeyValue[] = [];
        for (const e of batch.events) {
          if (e.type === "put") {
            this.entries.set(e.kv.key, e.kv);
            p.push(e.kv);
          } else {
            const old = this.entries.get(e.kv.key);
            this.entries.delete(e.kv.key);
            d.push(old ?? e.kv);
          }
        }
        this.rev = batch.revision;
        this.changes.emit({ put: p, deleted: d, revision: this.rev });
      },
      onError: (error) => {
        if (this.closed) return;
        if (isStoreError(error, "STORE_COMPACTED")) void this.resyncWithRetry();
        else this.errors.emit(error);
      },
    });
  }

  private async resyncWithRetry(): Promise<void> {
    for (let delayMs = 50; !this.closed; delayMs = Math.min(2000, delayMs * 2)) {
      try {
        await this.resync();
        return;
      } catch {
        await new Promise((r) => setTimeout(r, delayMs));
      }
    }
  }

  close(): void {
    this.closed = true;
    this.watch?.close();
    this.watch = undefined;
    this.changes.clear();
    this.errors.clear();
  }
}
