import type { z } from 'zod';

/** Raised when content does not match its schema; the message names the file and every bad field. */
export class ContentError extends Error {
  override name = 'ContentError';
}

/** Turns zod issues into one Chinese line per field: "<file> · <where> · 字段 <path>：<message>". */
export function describeIssues(file: string, error: z.ZodError, where?: string): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.length ? issue.path.join('.') : '(整体)';
    return `${file}${where ? ` · ${where}` : ''} · 字段 ${path}：${issue.message}`;
  });
}

/** Parses data with a schema or throws a ContentError naming the file and fields. */
export function parseWithFriendlyErrors<S extends z.ZodType>(
  schema: S,
  data: unknown,
  file: string,
  where?: string,
): z.infer<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  throw new ContentError(`内容校验失败：\n${describeIssues(file, result.error, where).join('\n')}`);
}
