// `npm run keys:grant -- <login name>`: gives an account the keys its role needs (intake key, a
// department's key or the identity-custodian key) with the recovery key, on the server's command line
// only — never in a web page. Use it for the first holder of each key; after that a colleague who holds
// the key approves new accounts in the back office (密钥授权). Every grant is audited (actor "cli").
//
// The recovery key is read from the terminal without echo, or from RECOVERY_KEY for automation.
import { createInterface } from 'node:readline/promises';
import { Writable } from 'node:stream';
import { closeDb, DatabaseStartError, dbFile, openDb } from '../api/db/client.ts';
import { parseEnv } from '../api/env.ts';
import { UserError } from '../api/errors.ts';
import { grantWithRecoveryKey, keyName } from '../api/services/admin/grants.ts';
import { ensureInstanceKeys, RecoveryKeyError } from '../api/services/keys.ts';

const username = process.argv.slice(2).find((a) => !a.startsWith('-')) ?? '';
const config = parseEnv();
const db = await openDb(dbFile(config.dataDir)).catch((e: unknown) => {
  if (!(e instanceof DatabaseStartError)) throw e;
  console.error(e.message);
  process.exit(1);
});

async function recoveryKey(): Promise<string> {
  if (process.env.RECOVERY_KEY) return process.env.RECOVERY_KEY;
  // Muted output: the key is not shown on screen while it is typed.
  let muted = false;
  const out = new Writable({ write: (chunk, _enc, done) => (muted || process.stdout.write(chunk), done()) });
  const rl = createInterface({ input: process.stdin, output: out, terminal: process.stdin.isTTY });
  const answer = rl.question('恢复密钥（输入时不显示）：');
  muted = true;
  const key = await answer;
  rl.close();
  process.stdout.write('\n');
  return key;
}

try {
  if (!username) throw new UserError(400, 'usage', '用法：npm run keys:grant -- <登录名>');
  const keys = await ensureInstanceKeys(db, () => {
    throw new UserError(409, 'no_keys', '这个 DATA_DIR 还没有密钥：请先启动一次服务（npm start）。');
  });
  const granted = await grantWithRecoveryKey(db, keys, await recoveryKey(), username);
  console.log(granted.length ? `已给 ${username} 授予：${granted.map(keyName).join('；')}。已记入审计日志。` : `${username} 已经持有这个角色需要的全部密钥，没有改动。`);
} catch (e) {
  if (e instanceof UserError || e instanceof RecoveryKeyError) {
    console.error(e.message);
    process.exitCode = 1;
  } else throw e;
} finally {
  await closeDb(db);
}
