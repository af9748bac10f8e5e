import { describe, expect, it } from 'vitest';
import { sourceSchema } from '../../content/schemas/source.ts';
import { classifySource, MIN_ALLOWED_SHARE, policyReport } from '../../content/schemas/source-policy.ts';

const base = { publisher: '应急管理部', title: '《工贸企业有限空间作业安全规定》', date: '2023-12-08' };

describe('classifySource', () => {
  it.each([
    'https://www.mem.gov.cn/gk/gwgg/agwzlfl/yjbl_01/202312/t20231208_471433.shtml',
    'https://flk.npc.gov.cn/detail2.html?x',
    'http://big5.www.gov.cn/gate/big5/www.gov.cn/x.htm',
    'https://news.iqilu.com/shandong/2022/1.shtml',
    'https://www.xinhuanet.com/politics/1.htm',
    'https://WWW.Chinacdc.CN/jkzt/',
    'https://fz.sjtu.edu.cn/info/1061/12976.htm',
    'https://sjb.qlwb.com.cn/html/2010-12/01/content_50302.htm?div=-1',
    'https://paper.xinmin.cn/html/xmwb/2024-02-24/6/179511.html',
    'https://beijing12320.org.cn/News/Detail?cid=282&id=52336',
  ])('allows %s', (url) => {
    expect(classifySource(url).kind).toBe('allowed');
  });

  it.each([
    ['http://218.60.149.76/zcfg/1.html', '裸 IP'],
    ['https://15888786180.com/news/1.html', '纯数字'],
    ['https://m.709394.net.cn/a.html', '纯数字'],
    ['https://www.casino-news.cn/a.html', '博彩'],
    ['https://example.cn/%E5%8D%9A%E5%BD%A9/a', '博彩'],
    ['ftp://www.mem.gov.cn/a', 'http'],
    ['not a url', '无法解析'],
  ])('denies %s', (url, why) => {
    const v = classifySource(url);
    expect(v.kind).toBe('denied');
    expect(v.kind === 'denied' && v.why).toContain(why);
  });

  it('does not treat look-alike hosts as official', () => {
    expect(classifySource('https://gov.cn.example.com/a').kind).toBe('unlisted');
    expect(classifySource('https://notgov.cn/a').kind).toBe('unlisted');
    expect(classifySource('https://henan.china.com/a').kind).toBe('unlisted');
    expect(classifySource('https://www.safehoo.com/a').kind).toBe('unlisted');
    expect(classifySource('https://qlwb.com.cn.example.com/a').kind).toBe('unlisted');
    expect(classifySource('https://xinmin.cn.example.com/a').kind).toBe('unlisted');
    expect(classifySource('https://notxinmin.cn/a').kind).toBe('unlisted');
    expect(classifySource('https://beijing12320.org.cn.example.com/a').kind).toBe('unlisted');
    expect(classifySource('https://notbeijing12320.org.cn/a').kind).toBe('unlisted');
  });
});

describe('sourceSchema applies the policy', () => {
  it('accepts an official page as it is', () => {
    expect(sourceSchema.safeParse({ ...base, url: 'https://www.mem.gov.cn/a.shtml' }).success).toBe(true);
  });

  it('rejects an unlisted host without mirror_of and reason, naming both fields', () => {
    const r = sourceSchema.safeParse({ ...base, url: 'https://www.safehoo.com/a.html' });
    expect(r.success).toBe(false);
    const paths = r.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['mirror_of', 'reason']));
  });

  it('accepts an unlisted host as a declared copy (exception)', () => {
    const r = sourceSchema.safeParse({
      ...base,
      url: 'https://www.safehoo.com/a.html',
      mirror_of: { publisher: '应急管理部', title: '《工贸企业有限空间作业安全规定》' },
      reason: '应急管理部网站的原文页面未能在存档中找到',
    });
    expect(r.success).toBe(true);
  });

  it('rejects a denied host even when it is declared a copy', () => {
    const r = sourceSchema.safeParse({
      ...base,
      url: 'http://218.60.149.76/a.html',
      mirror_of: { publisher: '国务院', title: '《农业机械安全监督管理条例》' },
      reason: '官方原文页面未能找到',
    });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.message).toContain('裸 IP');
  });

  it('rejects mirror_of on an official host (nothing to excuse)', () => {
    const r = sourceSchema.safeParse({ ...base, url: 'https://www.mem.gov.cn/a', mirror_of: { publisher: '应急管理部', title: '某文件' }, reason: '多写了一句说明' });
    expect(r.success).toBe(false);
  });
});

describe('policyReport', () => {
  const official = (n: number) => Array.from({ length: n }, (_, i) => `https://www.mem.gov.cn/${i}.html`);
  it('counts distinct URLs only', () => {
    const r = policyReport(['https://www.mem.gov.cn/1', 'https://www.mem.gov.cn/1', 'https://www.safehoo.com/1']);
    expect(r).toMatchObject({ distinct: 2, allowed: 1, exceptions: 1, denied: [] });
  });
  it('meets the target at exactly the minimum share and fails just below it', () => {
    expect(MIN_ALLOWED_SHARE).toBe(0.95);
    const at = policyReport([...official(19), 'https://www.safehoo.com/x']);
    expect(at.share).toBe(0.95);
    expect(at.meetsTarget).toBe(true);
    const below = policyReport([...official(18), 'https://www.safehoo.com/x', 'https://www.safehoo.com/y']);
    expect(below.share).toBe(0.9);
    expect(below.meetsTarget).toBe(false);
  });
  it('never meets the target with a denied URL', () => {
    const r = policyReport([...official(100), 'http://218.60.149.76/a']);
    expect(r.meetsTarget).toBe(false);
    expect(r.denied).toEqual(['http://218.60.149.76/a']);
  });
});
