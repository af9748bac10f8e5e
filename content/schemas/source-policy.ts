/**
 * Which hosts a county government can cite. One list, used by the content schema (every build) and by
 * `npm run content:check` (the counts). A host is:
 * - allowed: a government or Party body, a central or provincial state medium, or a public institution
 *   (the host or any subdomain of it is on ALLOWED_HOSTS);
 * - denied: a bare IP address, a numeric-only domain, or gambling/adult words in the address — the
 *   build fails, whatever the frontmatter says;
 * - unlisted: anything else. It may stay only as a declared copy (`mirror_of` names the official
 *   publisher and title, `reason` says why no official copy could be found), and the page says so.
 */

/** Registrable hosts whose pages count as official; subdomains are included. Keep one line of owner per host. */
export const ALLOWED_HOSTS: Readonly<Record<string, string>> = {
  // Government and Party bodies: every *.gov.cn site (国务院, 部委, 人大, 法院检察院, 省市县政府及部门).
  'gov.cn': '各级党政机关、人大、法院、检察院网站',
  // Central state media.
  'xinhuanet.com': '新华社（新华网）',
  'news.cn': '新华社（新华网）',
  'people.com.cn': '人民日报社（人民网）',
  'cctv.com': '中央广播电视总台（央视网）',
  'cctv.cn': '中央广播电视总台',
  'cnr.cn': '中央广播电视总台（央广网）',
  'cri.cn': '中央广播电视总台（国际在线）',
  'chinanews.com.cn': '中国新闻社（中新网）',
  'chinanews.com': '中国新闻社（中新网）',
  'gmw.cn': '光明日报社（光明网）',
  'legaldaily.com.cn': '法治日报社',
  'workercn.cn': '工人日报社（中工网）',
  'ce.cn': '经济日报社（中国经济网）',
  'china.com.cn': '国务院新闻办公室（中国网）',
  'chinadaily.com.cn': '中国日报社',
  'youth.cn': '中国青年报社（中国青年网）',
  'cyol.com': '中国青年报社（中青在线）',
  'jyb.cn': '中国教育报刊社（中国教育新闻网）',
  'chinaxiaokang.com': '求是杂志社《小康》杂志（中国小康网）',
  // Provincial state media.
  'dzwww.com': '大众日报社（大众网，山东）',
  'iqilu.com': '山东广播电视台（齐鲁网）',
  'qlwb.com.cn': '大众报业集团《齐鲁晚报》（山东省委机关报大众日报社主办）',
  'rednet.cn': '湖南日报社（红网）',
  'cqcb.com': '重庆日报报业集团（上游新闻）',
  'sxrb.com': '山西日报报业集团',
  'hxnews.com': '福建日报报业集团（海峡网）',
  'kankanews.com': '上海广播电视台（看看新闻）',
  'whb.cn': '上海报业集团（文汇报）',
  'xinmin.cn': '上海报业集团《新民晚报》（中共上海市委宣传部主管的上海报业集团主办）',
  // International guideline body the Chinese first-aid training follows (cited only where no
  // Chinese official text could be found; the page says so).
  'heart.org': '美国心脏协会（国际复苏指南）',
  // Public institutions. .edu.cn is registered only to accredited schools and universities (CERNET).
  'edu.cn': '学校和教育机构（.edu.cn 仅限经认定的教育机构注册）',
  'chinacdc.cn': '中国疾病预防控制中心',
  'redcross.org.cn': '中国红十字会总会',
  // 北京12320 公共卫生热线网站；页脚署名北京市卫生健康委员会、北京市卫生健康委员会宣传教育中心。
  'beijing12320.org.cn': '北京市卫生健康委员会（北京12320 公共卫生热线网站）',
  'cma.cn': '中国气象局',
  'weather.com.cn': '中国气象局公共气象服务中心（中国天气网）',
};

/** Share of distinct cited URLs that must be on allowed hosts; `content:check` fails below it. */
export const MIN_ALLOWED_SHARE = 0.95;

const GAMBLING_OR_ADULT = /casino|bet365|bocai|baccarat|poker|lottery|caipiao|porn|xxx|sexy?\b|adult|dubo|赌|博彩|彩票|色情/i;

export type SourceVerdict =
  | { kind: 'allowed'; host: string; owner: string }
  | { kind: 'unlisted'; host: string }
  | { kind: 'denied'; host: string; why: string };

function isIpAddress(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.startsWith('[');
}

/**
 * Classifies one URL. Unparseable URLs and bare IPs are denied first; an allowlisted host is then
 * allowed (a government page may well say 彩票 or sit on a numeric subdomain); anything else with a
 * numeric-only label or gambling/adult words is denied.
 */
export function classifySource(url: string): SourceVerdict {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { kind: 'denied', host: url, why: '网址无法解析' };
  }
  const host = parsed.hostname.toLowerCase().replace(/\.$/, '');
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return { kind: 'denied', host, why: '只接受 http/https 网址' };
  if (isIpAddress(host)) return { kind: 'denied', host, why: '裸 IP 地址不是发布机关的网站' };
  const labels = host.split('.');
  for (let i = 0; i < labels.length - 1; i++) {
    const owner = ALLOWED_HOSTS[labels.slice(i).join('.')];
    if (owner) return { kind: 'allowed', host, owner };
  }
  if (labels.some((l) => /^\d+$/.test(l))) return { kind: 'denied', host, why: '纯数字域名多为仿冒或垃圾站点' };
  let decoded = url;
  try {
    decoded = decodeURIComponent(url);
  } catch {
    /* keep the raw form */
  }
  if (GAMBLING_OR_ADULT.test(decoded)) return { kind: 'denied', host, why: '网址含博彩或色情字样' };
  return { kind: 'unlisted', host };
}

export interface PolicyReport {
  distinct: number;
  allowed: number;
  exceptions: number;
  denied: string[];
  /** Allowed share of distinct URLs, 0..1 (1 when nothing is cited). */
  share: number;
  meetsTarget: boolean;
}

/** Counts distinct URLs by verdict; the share is over distinct URLs so one mirror cited twice counts once. */
export function policyReport(urls: Iterable<string>, minShare = MIN_ALLOWED_SHARE): PolicyReport {
  const distinct = [...new Set(urls)];
  let allowed = 0;
  let exceptions = 0;
  const denied: string[] = [];
  for (const u of distinct) {
    const v = classifySource(u);
    if (v.kind === 'allowed') allowed++;
    else if (v.kind === 'unlisted') exceptions++;
    else denied.push(u);
  }
  const share = distinct.length ? allowed / distinct.length : 1;
  return { distinct: distinct.length, allowed, exceptions, denied, share, meetsTarget: denied.length === 0 && share >= minShare };
}
