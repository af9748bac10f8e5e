import type { Source } from '../../content/schemas/source.ts';

/** Annual safety campaigns: curated reading, a quiz and a printable poster for each. */
export interface Campaign {
  slug: string;
  name: string;
  /** When it happens, in words. */
  when: string;
  lead: string;
  /** Short poster lines: actions anyone can take. */
  poster: string[];
  /** Guides to read, in order. */
  guides: string[];
  /** Quiz topic hint for /quiz/. */
  quizTopic: string;
  sources: Source[];
  /** What the theme is called (全国消防日's theme belongs to the 消防宣传月 in November). */
  themeOf: string;
  /** Official themes by year: only those read in an official or state-media publication. */
  themes: CampaignTheme[];
}

export interface CampaignTheme {
  year: number;
  theme: string;
  source: Source;
}

export type ThemeStatus =
  | { kind: 'current'; year: number; theme: CampaignTheme }
  | { kind: 'previous'; year: number; theme: CampaignTheme }
  | { kind: 'none'; year: number };

/**
 * This year's theme, else last year's (the page then says this year's is not confirmed yet),
 * else none. Older themes are not shown: a stale slogan on a poster misleads.
 */
export function themeFor(campaign: Pick<Campaign, 'themes'>, year: number): ThemeStatus {
  const current = campaign.themes.find((t) => t.year === year);
  if (current) return { kind: 'current', year, theme: current };
  const previous = campaign.themes.find((t) => t.year === year - 1);
  if (previous) return { kind: 'previous', year, theme: previous };
  return { kind: 'none', year };
}

/** The year in Beijing time (the site is rebuilt when content changes). */
export function beijingYear(now: Date = new Date()): number {
  return new Date(now.getTime() + 8 * 3600_000).getUTCFullYear();
}

export const CAMPAIGNS: Campaign[] = [
  {
    slug: 'safety-month',
    name: '安全生产月',
    when: '每年 6 月；6 月中旬举行全国"安全宣传咨询日"活动',
    lead: '每年 6 月是全国"安全生产月"。企业开展隐患排查和应急演练，学校、社区、农村集中开展安全宣传，推动安全宣传"五进"。',
    poster: [
      '发现隐患，立即报告；企业不得因职工报告隐患打击报复',
      '有限空间作业：先通风、再检测、后作业，不盲目施救',
      '疏散通道、安全出口不堵塞、不锁闭',
      '电动自行车不进楼道、不进家门充电',
      '举报安全隐患：拨打 12350 或 12345，或在本站匿名举报',
    ],
    guides: ['worker-rights', 'report-hazards', 'confined-space', 'dual-prevention', 'hot-work', 'ebike-charging', 'fire-extinguisher', 'emergency-calls'],
    quizTopic: '安全生产',
    themeOf: '全国"安全生产月"',
    themes: [],
    sources: [
      {
        publisher: '新疆维吾尔自治区公安厅（转载新华社）',
        title: '国务院安委会办公室、应急管理部部署2020年全国"安全生产月"和"安全生产万里行"活动',
        date: '2020-05',
        url: 'http://gat.xinjiang.gov.cn/gat/zwhy/202005/1b139adeb2e9494785648bd8b00bc8c0.shtml',
        note: '"今年6月是第19个全国\'安全生产月\'"',
      },
    ],
  },
  {
    slug: 'disaster-prevention-day',
    name: '全国防灾减灾日',
    when: '每年 5 月 12 日',
    lead: '经国务院批准，从 2009 年开始，每年 5 月 12 日为"全国防灾减灾日"。这一天前后，学校和社区组织避险演练，家庭可以检查应急物品、约定逃生路线。',
    poster: [
      '地震来了：震时就近躲避，躲到结实的桌子下护住头颈；震后迅速撤离，走楼梯不坐电梯',
      '暴雨洪水：远离河道、低洼地和地下空间，不涉水、不开车过积水路段',
      '打雷下雨：不在大树下躲雨，远离电线杆、水边和高处；进有防雷设施的房屋或汽车里',
      '家里备好手电、饮用水、常用药和重要证件，约定集合地点',
    ],
    guides: ['earthquake', 'flood-rainstorm', 'lightning', 'high-rise-fire-escape', 'emergency-calls', 'cpr-aed'],
    quizTopic: '防灾避险',
    themeOf: '全国防灾减灾日',
    themes: [],
    sources: [
      {
        publisher: '厦门大学（转述国务院决定）',
        title: '防灾减灾日知识宣传',
        date: '2023-05',
        url: 'https://xdgh.xmu.edu.cn/info/1041/11660.htm',
        note: '"经国务院批准，从2009年开始，每年的5月12日定为\'全国防灾减灾日\'"',
      },
    ],
  },
  {
    slug: 'fire-day',
    name: '全国消防日',
    when: '每年 11 月 9 日',
    lead: '11 月 9 日的月日数与火警电话 119 相同，这时又正值天干物燥、火灾多发的冬季。公安部于 1992 年发起，将每年 11 月 9 日定为全国的消防宣传日。',
    poster: [
      '发现火情，立即拨打 119，说清楚地址、什么东西着火、有没有人被困',
      '家中常备灭火器，全家人学会"提、拔、握、压"',
      '楼里着火不坐电梯、不跳楼：楼道没烟就捂住口鼻沿楼梯往下走；楼道全是烟就关门守在屋里，堵住门缝，打 119 报清楼层',
      '电动自行车不进楼道、不进家门，不私拉电线充电',
      '冬季取暖防火，也要防一氧化碳中毒',
    ],
    guides: ['fire-extinguisher', 'high-rise-fire-escape', 'home-fire-prevention', 'ebike-charging', 'shop-fire-safety', 'straw-fire-prevention', 'co-poisoning', 'emergency-calls'],
    quizTopic: '消防',
    themeOf: '全国消防宣传月（每年 11 月，11 月 9 日为全国消防日）',
    themes: [
      {
        year: 2025,
        theme: '全民消防、生命至上——安全用火用电',
        source: {
          publisher: '浙江法治报（浙江在线）',
          title: '2025年全国消防宣传月活动启动（新华社消息）',
          date: '2025-11-07',
          url: 'http://zjfzb.zjol.com.cn/html/2025-11/07/content_4437442.htm?div=-1',
          note: '"记者从国家消防救援局获悉，国务院安委会办公室、应急管理部、国家消防救援局11月4日在京举行2025年全国消防宣传月活动启动仪式。今年活动主题为\'全民消防、生命至上——安全用火用电\'。"',
        },
      },
    ],
    sources: [
      {
        publisher: '湖北交通职业技术学院（转述公安部决定）',
        title: '全国消防日消防安全知识',
        date: '2024-11',
        url: 'http://ks.hbjd.edu.cn/webbwk/article-view-id-703.html',
        note: '"公安部于1992年发起，将每年的11月9日定为全国的\'消防日\'"',
      },
    ],
  },
];
