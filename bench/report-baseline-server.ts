// Baseline for the report benchmark: bare node:http + better-sqlite3 doing the same durable insert
// as the real intake, the same way — the upload written to a file and fsynced off the event loop
// (FileHandle.sync(), as api/services/blob-store.ts does), then the directory fsynced, then one row
// committed in a WAL transaction with synchronous=FULL — and nothing else (no parsing, cleaning,
// encryption or key derivation). Lookups are one indexed SELECT.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import Database from 'better-sqlite3';

const dataDir = process.env.DATA_DIR!;
const port = Number(process.env.PORT);
mkdirSync(join(dataDir, 'files'), { recursive: true });
const db = new Database(join(dataDir, 'baseline.db'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.exec('create table if not exists reports (id text primary key, receipt text unique not null, body_size integer not null, blob text not null, created_on text not null)');
const insert = db.prepare('insert into reports (id, receipt, body_size, blob, created_on) values (?, ?, ?, ?, ?)');
const select = db.prepare('select id, body_size, created_on from reports where receipt = ?');
const insertTx = db.transaction((id: string, receipt: string, size: number, blob: string) => insert.run(id, receipt, size, blob, new Date().toISOString().slice(0, 10)));

/** Same as fileBlobStore: write, FileHandle.sync() (libuv thread pool), close; then the directory. */
async function writeDurably(id: string, body: Buffer): Promise<void> {
  const file = await open(join(dataDir, 'files', id), 'wx', 0o600);
  try {
    let off = 0;
    while (off < body.length) off += (await file.write(body, off, body.length - off)).bytesWritten;
    await file.sync();
  } finally {
    await file.close();
  }
  const dir = await open(join(dataDir, 'files'), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', async () => {
    const body = Buffer.concat(chunks);
    if (req.url === '/api/reports') {
      const id = randomBytes(16).toString('base64url');
      await writeDurably(id, body);
      const receipt = randomBytes(8).readBigUInt64BE().toString().padStart(20, '0');
      insertTx(id, receipt, body.length, id);
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ receipt }));
    } else if (req.url === '/api/reports/lookup') {
      const { receipt } = JSON.parse(body.toString('utf8')) as { receipt: string };
      const row = select.get(receipt);
      res.writeHead(row ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(row ?? { error: 'not_found' }));
    } else {
      res.writeHead(200).end('ok');
    }
  });
}).listen(port, '127.0.0.1', () => console.log('ready'));
