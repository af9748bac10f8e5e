/**
 * Where the sealed (encrypted) attachment bytes live.
 *
 * - SQLite installations (default): files in DATA_DIR/files. Each blob is written and fsynced (and its
 *   directory fsynced) before the database transaction that acknowledges it commits; a blob with no
 *   row is a leftover of an interrupted request and is removed at start.
 * - PostgreSQL (issue 16): rows of the blob_chunks table, inserted in the very transaction that
 *   inserts the report_files row and acknowledges the upload, so "receipt ⇒ durable" holds and
 *   several API processes on several machines see the same attachments.
 *
 * Either way the bytes are already encrypted with the file's own key (api/crypto) before they reach
 * the store.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { asc, eq } from 'drizzle-orm';
import { BLOB_CHUNK_BYTES } from '../db/blob-chunks.ts';
import { dbKind, type Db } from '../db/client.ts';
import { blobChunks } from '../db/schema.ts';

export interface BlobStore {
  readonly kind: 'files' | 'database';
  /**
   * Stages one blob. Files: written and fsynced now (off the event loop). Database: kept in memory
   * until `commit` inserts it inside the acknowledging transaction.
   */
  write(name: string, pieces: Iterable<Uint8Array>): Promise<void>;
  /** Files: fsyncs the directory so new names survive a crash. Database: nothing to do. */
  syncDir(): Promise<void>;
  /** Inside the transaction that acknowledges the blob (may run again if that transaction is retried). */
  commit(tx: Db, name: string): Promise<void>;
  /** After that transaction committed, or when it is given up: forget staged bytes kept in memory. */
  settle(name: string): void;
  read(name: string): Promise<Buffer>;
  has(name: string): Promise<boolean>;
  remove(name: string): Promise<void>;
  list(): Promise<string[]>;
}

const SAFE_NAME = /^[A-Za-z0-9_-]{16,64}$/;

function checked(name: string): string {
  if (!SAFE_NAME.test(name)) throw new Error('invalid blob name');
  return name;
}

export interface FileBlobStore extends BlobStore {
  readonly kind: 'files';
  readonly dir: string;
}

export function fileBlobStore(dataDir: string): FileBlobStore {
  const dir = join(dataDir, 'files');
  mkdirSync(dir, { recursive: true });
  const path = (name: string) => join(dir, checked(name));
  return {
    kind: 'files',
    dir,
    async write(name, pieces) {
      const file = await open(path(name), 'wx', 0o600);
      try {
        for (const piece of pieces) {
          let off = 0;
          while (off < piece.length) off += (await file.write(piece, off, piece.length - off)).bytesWritten;
        }
        await file.sync();
      } finally {
        await file.close();
      }
    },
    async syncDir() {
      const handle = await open(dir, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    },
    commit: async () => {},
    settle: () => {},
    read: async (name) => readFileSync(path(name)),
    has: async (name) => existsSync(path(name)),
    remove: async (name) => rmSync(path(name), { force: true }),
    list: async () => readdirSync(dir).filter((n) => SAFE_NAME.test(n)),
  };
}

/** Splits the sealed pieces into rows of at most BLOB_CHUNK_BYTES. */
function toChunks(pieces: Iterable<Uint8Array>): Buffer[] {
  const chunks: Buffer[] = [];
  let current: Buffer[] = [];
  let size = 0;
  const flush = () => {
    chunks.push(Buffer.concat(current, size));
    current = [];
    size = 0;
  };
  for (const piece of pieces) {
    let off = 0;
    while (off < piece.length) {
      const take = Math.min(piece.length - off, BLOB_CHUNK_BYTES - size);
      current.push(Buffer.from(piece.buffer, piece.byteOffset + off, take));
      size += take;
      off += take;
      if (size === BLOB_CHUNK_BYTES) flush();
    }
  }
  if (size > 0 || chunks.length === 0) flush();
  return chunks;
}

export function databaseBlobStore(db: Db): BlobStore {
  const staged = new Map<string, Buffer[]>();
  return {
    kind: 'database',
    async write(name, pieces) {
      checked(name);
      if (staged.has(name)) throw new Error('blob already staged');
      staged.set(name, toChunks(pieces));
    },
    syncDir: async () => {},
    async commit(tx, name) {
      const chunks = staged.get(checked(name));
      if (!chunks) throw new Error('blob not staged');
      for (const [seq, data] of chunks.entries()) await tx.insert(blobChunks).values({ name, seq, data });
    },
    settle(name) {
      staged.delete(name);
    },
    async read(name) {
      const rows = await db.select({ data: blobChunks.data }).from(blobChunks).where(eq(blobChunks.name, checked(name))).orderBy(asc(blobChunks.seq));
      if (!rows.length) throw Object.assign(new Error(`blob ${name} not found`), { code: 'ENOENT' });
      return Buffer.concat(rows.map((r) => r.data));
    },
    async has(name) {
      return (await db.select({ seq: blobChunks.seq }).from(blobChunks).where(eq(blobChunks.name, checked(name))).limit(1)).length > 0;
    },
    async remove(name) {
      staged.delete(checked(name));
      await db.delete(blobChunks).where(eq(blobChunks.name, name));
    },
    async list() {
      return (await db.selectDistinct({ name: blobChunks.name }).from(blobChunks).orderBy(asc(blobChunks.name))).map((r) => r.name);
    },
  };
}

/** The store an installation uses: files beside SQLite, the database itself on PostgreSQL. */
export function blobStoreFor(db: Db, dataDir: string): BlobStore {
  return dbKind(db) === 'postgres' ? databaseBlobStore(db) : fileBlobStore(dataDir);
}
