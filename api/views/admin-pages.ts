/**
 * Server-rendered back-office pages (they work without JavaScript: plain forms and links, native
 * keyboard order). One view file per page in views/admin/; this module re-exports them.
 */
export * from './admin/common.ts';
export * from './admin/login.ts';
export * from './admin/queue.ts';
export * from './admin/case.ts';
export * from './admin/identity.ts';
export * from './admin/audit.ts';
export * from './admin/settings.ts';
export * from './admin/print.ts';
export * from './admin/password.ts';
export * from './admin/letters.ts';
export * from './admin/stats.ts';
export * from './admin/layout.ts';
