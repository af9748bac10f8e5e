// `npm run audit:verify`: recomputes the audit log's hash chain and reports any edited, inserted or
// deleted entry. Exit code 0 when intact, 1 otherwise.
import { dbFile, openDb } from '../api/db/client.ts';
import { parseEnv } from '../api/env.ts';
import { verifyAuditChain } from '../api/services/admin/audit.ts';

const config = parseEnv();
const db = openDb(dbFile(config.dataDir));
try {
  const result = verifyAuditChain(db);
  if (result.ok) {
    console.log(`审计日志完好：共 ${result.count} 条记录，哈希链校验通过。`);
  } else {
    console.error(`审计日志被改动！共 ${result.count} 条记录，发现 ${result.problems.length} 处问题：`);
    for (const p of result.problems) console.error(`  第 ${p.id} 条：${p.problem}`);
    process.exitCode = 1;
  }
} finally {
  db.$client.close();
}
