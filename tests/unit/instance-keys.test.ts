/**
 * Issue 16: several API processes starting at the same moment on one PostgreSQL database create the
 * instance keys once, and only the process that created them shows a recovery key — the one that
 * opens them. Two pools on one database stand in for two processes. (SQLite installations run one
 * process; `npm test` runs this file in its PostgreSQL pass.)
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { closeDb, dbFile, openDb } from '../../api/db/client.ts';
import { databaseKind } from '../../api/db/dialect.ts';
import { ensureInstanceKeys, unlockWithRecoveryKey } from '../../api/services/keys.ts';

const ON_PG = databaseKind() === 'postgres';
if (!ON_PG) console.log('instance-keys：两个进程同时启动只在 PostgreSQL 那一轮测试（SQLite 安装只运行一个进程）。');

describe.skipIf(!ON_PG)('两个进程同时第一次启动', () => {
  it('只生成一套密钥，只有生成它的进程显示恢复密钥，而且这把恢复密钥能打开它（4 个进程，6 轮）', async () => {
    for (let round = 0; round < 6; round++) {
      const file = dbFile(mkdtempSync(join(tmpdir(), 'keys-race-')));
      const dbs = [await openDb(file), await openDb(file), await openDb(file), await openDb(file)];
      try {
        const shown: string[] = [];
        const keys = await Promise.all(dbs.map((db) => ensureInstanceKeys(db, (k) => shown.push(k), 2 ** 10)));
        expect(new Set(shown).size, `第 ${round + 1} 轮显示了 ${shown.length} 次恢复密钥`).toBe(1);
        for (const k of keys) expect(k.intakePublicKey.equals(keys[0]!.intakePublicKey)).toBe(true);
        const opened = await unlockWithRecoveryKey(dbs[3]!, shown[0]!);
        expect(opened.intakePrivateKey).toHaveLength(32);
      } finally {
        for (const db of dbs) await closeDb(db);
      }
    }
  }, 60_000);
});
