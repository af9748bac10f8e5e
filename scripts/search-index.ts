// Builds the Pagefind index over dist/ (Chinese segmentation comes from <html lang="zh-CN">).
import * as pagefind from 'pagefind';

export async function buildSearchIndex(siteDir: string): Promise<number> {
  const { index, errors } = await pagefind.createIndex({});
  if (!index) throw new Error(`Pagefind 无法创建索引：${errors.join('；')}`);
  const added = await index.addDirectory({ path: siteDir });
  if (added.errors.length) throw new Error(`Pagefind 索引出错：${added.errors.join('；')}`);
  const written = await index.writeFiles({ outputPath: `${siteDir}/pagefind` });
  if (written.errors.length) throw new Error(`Pagefind 写入出错：${written.errors.join('；')}`);
  await pagefind.close();
  return added.page_count;
}
