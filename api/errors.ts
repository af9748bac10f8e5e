import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** An error whose message is safe to show the user (Chinese), with a stable machine code. */
export class UserError extends HTTPException {
  readonly code: string;
  readonly field: string | undefined;

  constructor(status: ContentfulStatusCode, code: string, message: string, field?: string) {
    super(status, { message });
    this.code = code;
    this.field = field;
  }
}

export const MESSAGES = {
  notFound: '找不到这个地址。',
  internal: '服务器出了点问题，您的请求没有完成。请稍后再试；紧急情况请直接拨打电话。',
  tooLarge: '提交的内容太大，超过了允许的上限。',
  badRequest: '请求格式不正确。',
  methodNotAllowed: '不支持这种请求方式。',
} as const;
