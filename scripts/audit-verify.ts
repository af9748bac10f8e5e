// `npm run audit:verify`: recomputes the audit log's hash chain and reports any edited, inserted or
// deleted entry. `npm run audit:verify -- --checkpoint <length:head>` (or just <head>) also checks a
// checkpoint kept from /data/ or a monthly report: the chain must still hold that hash at that position,
// which catches a rewrite that recomputed every hash. Exit code 0 when intact, 1 otherwise, 2 on bad input.
import { closeDb, DatabaseStartError, dbFile, openDb } from '../api/db/client.ts';
import { parseEnv } from '../api/env.ts';
import { auditCheckpoint, groupedHash, parseCheckpoint, verifyAuditChain, verifyCheckpoint } from '../api/services/admin/audit.ts';
import { dayOf } from '../api/services/reports/shared.ts';

const args = process.argv.slice(2);
const at = args.indexOf('--checkpoint');
const checkpointText = at >= 0 ? args[at + 1] : args.find((a) => a.startsWith('--checkpoint='))?.slice('--checkpoint='.length);
if ((at >= 0 || args.some((a) => a.startsWith('--checkpoint'))) && !checkpointText) {
  console.error('用法：npm run audit:verify -- --checkpoint 条数:哈希值（例如 128:3f2a…，也可以只写 64 位哈希值）');
  process.exit(2);
}
const checkpoint = checkpointText ? parseCheckpoint(checkpointText) : null;
if (checkpointText && !checkpoint) {
  console.error('校验点格式不对：应为"条数:64 位十六进制哈希值"，或只写 64 位哈希值（空格和短横线可以省略）。');
  process.exit(2);
}

const config = parseEnv();
const db = await openDb(dbFile(config.dataDir)).catch((e: unknown) => {
  if (!(e instanceof DatabaseStartError)) throw e;
  console.error(e.message);
  process.exit(1);
});
try {
  const result = await verifyAuditChain(db);
  if (result.ok) {
    console.log(`审计日志完好：共 ${result.count} 条记录，哈希链校验通过。`);
  } else {
    console.error(`审计日志被改动！共 ${result.count} 条记录，发现 ${result.problems.length} 处问题：`);
    for (const p of result.problems) console.error(`  第 ${p.id} 条：${p.problem}`);
    process.exitCode = 1;
  }
  if (checkpoint) {
    const c = await verifyCheckpoint(db, checkpoint);
    (c.ok ? console.log : console.error)(c.ok ? c.message : `校验点不符！${c.message}`);
    if (!c.ok) process.exitCode = 1;
  }
  const today = await auditCheckpoint(db, dayOf());
  console.log(`当前校验点（请抄存）：${today.length}:${today.head}\n  ${groupedHash(today.head)}`);
} finally {
  await closeDb(db);
}
