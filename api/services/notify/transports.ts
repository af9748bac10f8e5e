/**
 * Sending one content-free message: by e-mail (nodemailer over SMTP) or to a group robot (企业微信 /
 * 钉钉 webhook, JSON `{"msgtype":"text","text":{"content":…}}`, answered `{"errcode":0}`). Errors are
 * returned as short Chinese text without the robot key or the SMTP password.
 */
import { createHmac } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import type { SmtpConfig } from './config.ts';
import type { WebhookSetting } from './settings.ts';

export interface Message {
  subject: string;
  text: string;
}

export interface Transports {
  email(to: string, m: Message): Promise<void>;
  webhook(w: WebhookSetting, m: Message): Promise<void>;
}

export class DeliveryError extends Error {}

/** 钉钉 加签: HMAC-SHA256 over "timestamp\nsecret", base64, URL-encoded, added as &timestamp=&sign=. */
export function dingtalkSignedUrl(url: string, secret: string, nowMs: number = Date.now()): string {
  const sign = createHmac('sha256', secret).update(`${nowMs}\n${secret}`).digest('base64');
  const u = new URL(url);
  u.searchParams.set('timestamp', String(nowMs));
  u.searchParams.set('sign', sign);
  return u.toString();
}

const TIMEOUT_MS = 10_000;

export function smtpTransporter(smtp: SmtpConfig): Transporter {
  return nodemailer.createTransport(smtp.url, { connectionTimeout: TIMEOUT_MS, greetingTimeout: TIMEOUT_MS, socketTimeout: TIMEOUT_MS * 2 } as never);
}

function describeError(e: unknown): string {
  const err = e as { code?: string; responseCode?: number; message?: string; cause?: { code?: string } };
  if (err.responseCode) return `邮件服务器拒绝（${err.responseCode}）`;
  const code = err.code ?? err.cause?.code;
  if (code === 'ECONNREFUSED') return '连接被拒绝（服务器没有运行或端口不对）';
  if (code === 'ETIMEDOUT' || code === 'ETIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') return '连接超时';
  if (code === 'ENOTFOUND' || code === 'EDNS') return '找不到服务器地址';
  if (code === 'EAUTH') return '邮件服务器登录失败（用户名或密码不对）';
  if (code === 'ESOCKET' || code === 'ECONNECTION' || code === 'ECONNRESET') return '连接中断';
  if (e instanceof DeliveryError) return e.message;
  return code ? `发送失败（${code}）` : '发送失败';
}

export function realTransports(smtp: SmtpConfig | null): Transports {
  let transporter: Transporter | null = null;
  return {
    async email(to, m) {
      if (!smtp) throw new DeliveryError('没有设置邮件服务器（SMTP_URL）');
      transporter ??= smtpTransporter(smtp);
      try {
        await transporter.sendMail({ from: smtp.from, to, subject: m.subject, text: m.text });
      } catch (e) {
        throw new DeliveryError(describeError(e));
      }
    },
    async webhook(w, m) {
      const url = w.kind === 'dingtalk' && w.secret ? dingtalkSignedUrl(w.url, w.secret) : w.url;
      let res: Response;
      try {
        res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ msgtype: 'text', text: { content: `${m.subject}\n${m.text}` } }),
          signal: AbortSignal.timeout(TIMEOUT_MS),
          redirect: 'error',
        });
      } catch (e) {
        throw new DeliveryError((e as Error).name === 'TimeoutError' ? '连接超时' : describeError(e));
      }
      if (!res.ok) throw new DeliveryError(`机器人接口回答 HTTP ${res.status}`);
      const body = (await res.json().catch(() => null)) as { errcode?: number; errmsg?: string } | null;
      if (!body || body.errcode !== 0) throw new DeliveryError(`机器人接口回答错误${body ? `（errcode ${body.errcode}：${String(body.errmsg ?? '').slice(0, 80)}）` : '（不是 JSON）'}`);
    },
  };
}

export { describeError };
