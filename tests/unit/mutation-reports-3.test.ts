/**
 * Report intake and follow-up, second round after the re-run of docs/mutation.md: the case number the
 * reporter and staff both use, reports entered by staff from another channel (received day, due day,
 * case year), a failed reply leaving no stored evidence behind, videos losing their container metadata,
 * and PNG text comments named in what was removed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { cleanAttachment, exifTagLabels } from '../../api/services/reports/attachments.ts';
import { addReporterMessage, lookupReport } from '../../api/services/reports/follow-up.ts';
import { fileReport } from '../../api/services/reports/intake.ts';
import { addDays, dayOf } from '../../api/services/reports/shared.ts';
import { VIDEO_REMOVED } from '../../api/services/reports/video-metadata.ts';
import { eq, sql } from 'drizzle-orm';
import { row } from '../../api/db/client.ts';
import { reports } from '../../api/db/schema.ts';
import { countRows, errorText, makeApp, refuseInserts, rejection } from './report-fixtures.ts';

const file = (data: Buffer | string, name: string) => new File([typeof data === 'string' ? data : new Uint8Array(data)], name);
const INPUT = { category: 'general_hazard', sector: 'fire', township: 'xushang', place: '北门仓库', description: '安全出口被货物堵住了。', observedAt: '2026-05-01', identity: null } as const;
const pdf = () => file(Buffer.from('%PDF-1.4\n%%EOF'), 'e.pdf');

describe('案件编号和其他渠道录入的举报', () => {
  it('举报人看到的案件编号按受理年份顺序编号；没有编号的旧记录显示"未编号"', async () => {
    const t = await makeApp({ fastReceipts: true });
    const year = dayOf().slice(0, 4);
    const first = await fileReport(t.deps, INPUT, []);
    const second = await fileReport(t.deps, INPUT, []);
    expect((await lookupReport(t.deps, first.receipt))!.case_number).toBe(`商安举〔${year}〕0001号`);
    expect((await lookupReport(t.deps, second.receipt))!.case_number).toBe(`商安举〔${year}〕0002号`);
    await t.db.update(reports).set({ caseSeq: null }).where(eq(reports.id, first.reportId));
    await t.db.update(reports).set({ caseYear: null }).where(eq(reports.id, second.reportId));
    expect((await lookupReport(t.deps, first.receipt))!.case_number).toBe('（未编号）');
    expect((await lookupReport(t.deps, second.receipt))!.case_number).toBe('（未编号）');
  });

  it('工作人员录入的来信：从收到那天算期限和年份，记下渠道；没有附加写入也能保存', async () => {
    const t = await makeApp({ fastReceipts: true });
    const filed = await fileReport(t.deps, INPUT, [], { channel: 'phone_12345', receivedOn: '2025-12-30' });
    const stored = await row(t.db, sql`select channel, received_on, created_on, due_on, case_year, case_seq from reports where id = ${filed.reportId}`);
    expect(stored).toEqual({ channel: 'phone_12345', received_on: '2025-12-30', created_on: '2025-12-30', due_on: addDays('2025-12-30', 60), case_year: 2025, case_seq: 1 });
    const view = (await lookupReport(t.deps, filed.receipt))!;
    expect(view.case_number).toBe('商安举〔2025〕0001号');
    expect(view.timeline[0]!.on).toBe('2025-12-30');
  });
});

describe('补充留言失败时不留下附件', () => {
  it('留言写入失败：刚存的附件被删掉，之前的附件还在', async () => {
    const t = await makeApp({ fastReceipts: true });
    const { receipt } = await fileReport(t.deps, INPUT, [pdf()]);
    const before = await t.deps.store.list();
    expect(before).toHaveLength(1);
    await refuseInserts(t.db, 'report_messages');
    expect(errorText(await rejection(addReporterMessage(t.deps, receipt, '补充', [pdf(), pdf()])))).toContain('refused');
    expect(await t.deps.store.list()).toEqual(before);
    expect(await countRows(t.db, 'report_files')).toBe(1);
  });
});

describe('视频和 PNG 注释', () => {
  it.skipIf(spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status !== 0)('视频去掉容器里的附加信息后存下，并告诉举报人', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mutreports-video-'));
    try {
      const out = join(dir, 'in.mp4');
      const made = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'color=c=blue:s=32x32:d=0.2', '-c:v', 'mpeg4', '-metadata', 'title=ZHANGSAN-PHONE', '-metadata', 'location=+36.6+116.9/', out]);
      expect(made.status).toBe(0);
      const input = readFileSync(out);
      expect(input.includes('ZHANGSAN-PHONE')).toBe(true);
      const cleaned = await cleanAttachment(file(input, 'VID_1.mp4'), 1);
      expect(cleaned).toMatchObject({ name: '附件2.mp4', mime: 'video/mp4', kind: 'video', removed: VIDEO_REMOVED, metadataMayRemain: false });
      expect(cleaned.data.includes('ZHANGSAN-PHONE')).toBe(false);
      expect(cleaned.data.includes('+36.6+116.9')).toBe(false);
      expect(cleaned.data.length).toBeGreaterThan(100);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('PNG 里的文字注释被清除，并告诉举报人', async () => {
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } }).png().toBuffer();
    const body = Buffer.concat([Buffer.from('tEXt', 'latin1'), Buffer.from('Comment\0拍摄于北门仓库 张三', 'utf8')]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(body.length - 4);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    // After the 8-byte signature and the 25-byte IHDR chunk.
    const withText = Buffer.concat([png.subarray(0, 33), len, body, crc, png.subarray(33)]);
    const cleaned = await cleanAttachment(file(withText, 'c.png'), 0);
    expect(cleaned.removed).toContain('图片注释');
    expect(cleaned.data.includes(Buffer.from('张三', 'utf8'))).toBe(false);
  });
});

describe('EXIF 数据里出现 "Exif" 字样', () => {
  it('只有开头的 "Exif" 前缀才跳过；标签数据里的 "Exif\\0\\0" 不会让 GPS 漏报', () => {
    // IFD0 with GPS and Make; the bytes after the directory (a tag's text) contain "Exif\0\0".
    const block = Buffer.alloc(8 + 2 + 24 + 4);
    block.write('II', 0, 'latin1');
    block.writeUInt16LE(42, 2);
    block.writeUInt32LE(8, 4);
    block.writeUInt16LE(2, 8);
    block.writeUInt16LE(0x8825, 10);
    block.writeUInt16LE(0x010f, 22);
    const text = Buffer.concat([block, Buffer.from('Exif\0\0 written by a phone app', 'latin1')]);
    expect(exifTagLabels(text).sort()).toEqual(['拍摄位置（GPS）', '设备品牌'].sort());
    // "Exif\0\0" at byte 16 (inside the first entry's count and value): still not a prefix.
    const at16 = Buffer.from(block);
    at16.write('Exif\0\0', 16, 'latin1');
    expect(exifTagLabels(at16).sort()).toEqual(['拍摄位置（GPS）', '设备品牌'].sort());
  });
});
