// `npm run admin:create`: creates the first administrator. The recovery key printed at first start
// proves the operator may do this; the administrator gets no key that opens reports (two-person
// rule). Staff who open reports get their keys with `npm run keys:grant` (recovery key) or from a
// colleague who holds the key, in the back office.
//
// Interactive by default (nothing lands in shell history). For automation, set RECOVERY_KEY,
// ADMIN_USERNAME, ADMIN_NAME and ADMIN_PASSWORD, and pass --json to get the TOTP secret as JSON.
import { createInterface } from 'node:readline/promises';
import { eq } from 'drizzle-orm';
import QRCode from 'qrcode';
import { totpUri } from '../api/crypto/index.ts';
import { closeDb, DatabaseStartError, dbFile, first, openDb } from '../api/db/client.ts';
import { staffUsers } from '../api/db/schema.ts';
import { parseEnv } from '../api/env.ts';
import { UserError } from '../api/errors.ts';
import { createFirstAdmin, validateNewStaff } from '../api/services/admin/staff.ts';
import { ensureInstanceKeys, RecoveryKeyError, unlockWithRecoveryKey } from '../api/services/keys.ts';

const json = process.argv.includes('--json');
const config = parseEnv();
const db = await openDb(dbFile(config.dataDir)).catch((e: unknown) => {
  if (!(e instanceof DatabaseStartError)) throw e;
  console.error(e.message);
  process.exit(1);
});

async function ask(): Promise<Record<string, string>> {
  const fromEnv = { recovery: process.env.RECOVERY_KEY, username: process.env.ADMIN_USERNAME, name: process.env.ADMIN_NAME, password: process.env.ADMIN_PASSWORD };
  if (fromEnv.recovery && fromEnv.username && fromEnv.name && fromEnv.password) return fromEnv as Record<string, string>;
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
  const out = {
    recovery: await rl.question('恢复密钥（首次启动时打印的 14 组字符）：'),
    username: await rl.question('管理员登录名（小写字母开头，例如 admin）：'),
    name: await rl.question('管理员姓名：'),
    password: await rl.question('初始密码（至少 12 位）：'),
  };
  rl.close();
  return out;
}

try {
  // Never create instance keys here: their recovery key must come from the server's first start.
  const keys = await ensureInstanceKeys(db, () => {
    throw new UserError(409, 'no_keys', '这个 DATA_DIR 还没有密钥：请先启动一次服务（npm start），抄下控制台显示的恢复密钥，再运行本命令。');
  });
  if (first(await db.select({ id: staffUsers.id }).from(staffUsers).where(eq(staffUsers.role, 'admin')).limit(1))) {
    throw new UserError(409, 'exists', '已经有系统管理员了。其他账号请由管理员在后台"账号管理"中创建。');
  }
  const a = await ask();
  await unlockWithRecoveryKey(db, a.recovery!); // only checks that this is the instance's recovery key
  const input = validateNewStaff({ username: a.username, display_name: a.name, role: 'admin', department: '', password: a.password });
  const { user, totpSecret } = await createFirstAdmin(db, keys, input);
  const uri = totpUri(totpSecret, user.username);
  if (json) {
    console.log(JSON.stringify({ username: user.username, totp_secret: totpSecret, totp_uri: uri }));
  } else {
    console.log(`\n已创建系统管理员 ${user.username}（${user.displayName}）。系统管理员只管理账号，不能打开举报。`);
    console.log('受理员、主管领导、办理人员和身份保管人的第一个账号建好后，请在这台服务器上运行 npm run keys:grant -- <登录名> 授予密钥。');
    console.log('请用手机验证器扫描下面的二维码（或手动输入密钥），登录后台时需要它生成的 6 位动态验证码：\n');
    console.log(await QRCode.toString(uri, { type: 'terminal', small: true }));
    console.log(`密钥：${totpSecret}\n登录地址：/admin/login\n此二维码和密钥只显示这一次。`);
  }
} catch (e) {
  if (e instanceof UserError || e instanceof RecoveryKeyError) {
    console.error(e.message);
    process.exitCode = 1;
  } else throw e;
} finally {
  await closeDb(db);
}
