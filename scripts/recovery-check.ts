// `npm run keys:check`: confirms a written-down recovery key matches this DATA_DIR, without
// printing or storing it. The key is read from standard input (not the command line, which shells
// keep in their history).
import { createInterface } from 'node:readline/promises';
import { closeDb, DatabaseStartError, dbFile, openDb } from '../api/db/client.ts';
import { parseEnv } from '../api/env.ts';
import { RecoveryKeyError, unlockWithRecoveryKey } from '../api/services/keys.ts';

const config = parseEnv();
const db = await openDb(dbFile(config.dataDir)).catch((e: unknown) => {
  if (!(e instanceof DatabaseStartError)) throw e;
  console.error(e.message);
  process.exit(1);
});
const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
const text = await rl.question('请输入恢复密钥（输入内容不会被保存）：');
rl.close();
try {
  await unlockWithRecoveryKey(db, text);
  console.log('恢复密钥正确：它能打开本系统的受理密钥和身份保管密钥。请继续妥善保管纸质原件。');
} catch (e) {
  console.error(e instanceof RecoveryKeyError ? e.message : '检查失败。');
  process.exitCode = 1;
} finally {
  await closeDb(db);
}
