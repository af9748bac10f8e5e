/** Main navigation: one list used by the header and the footer. */
export const MAIN_NAV = [
  { href: '/guides/', label: '安全知识' },
  { href: '/cases/', label: '事故案例' },
  { href: '/quiz/', label: '安全测验' },
  { href: '/report/', label: '我要举报' },
  { href: '/report/status/', label: '举报查询' },
  { href: '/data/', label: '数据公开' },
] as const;

/** True when `href` is the current section (longest matching prefix wins for nested sections). */
export function isCurrentSection(pathname: string, href: string): boolean {
  if (href === '/') return pathname === '/';
  if (!pathname.startsWith(href)) return false;
  const longer = MAIN_NAV.find((n) => n.href !== href && n.href.startsWith(href) && pathname.startsWith(n.href));
  return !longer;
}
