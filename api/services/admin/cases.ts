/**
 * Case handling in the back office, split by step (STYLE.md): the queue (cases/queue.ts), opening a
 * case (cases/open.ts), acceptance and handling (cases/handling.ts), assignment (cases/assignment.ts)
 * and rewards (rewards.ts). This module re-exports them so callers have one import.
 */
export * from './cases/rules.ts';
export * from './cases/queue.ts';
export * from './cases/open.ts';
export * from './cases/commit.ts';
export * from './cases/intake.ts';
export * from './cases/handling.ts';
export * from './cases/assignment.ts';
export * from './cases/documents.ts';
