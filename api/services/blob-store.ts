/**
 * Encrypted attachment files in DATA_DIR/files. Each blob is written and fsynced (and its directory
 * fsynced) before the database transaction that acknowledges it commits; a blob with no row is a
 * leftover of an interrupted request and is removed at start.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';

export interface BlobStore {
  /** Writes the pieces in order and fsyncs the file (off the event loop). */
  write(name: string, pieces: Iterable<Uint8Array>): Promise<void>;
  /** fsyncs the directory so new names survive a crash. */
  syncDir(): Promise<void>;
  read(name: string): Buffer;
  remove(name: string): void;
  list(): string[];
  readonly dir: string;
}

const SAFE_NAME = /^[A-Za-z0-9_-]{16,64}$/;

export function fileBlobStore(dataDir: string): BlobStore {
  const dir = join(dataDir, 'files');
  mkdirSync(dir, { recursive: true });
  const path = (name: string) => {
    if (!SAFE_NAME.test(name)) throw new Error('invalid blob name');
    return join(dir, name);
  };
  return {
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
    read: (name) => readFileSync(path(name)),
    remove: (name) => rmSync(path(name), { force: true }),
    list: () => readdirSync(dir).filter((n) => SAFE_NAME.test(n)),
  };
}
