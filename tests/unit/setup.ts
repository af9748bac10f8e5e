/**
 * Runs before every unit test file (vitest.config.ts `setupFiles`). Each file gets a temporary root of
 * its own as TMPDIR, so every `mkdtempSync(join(tmpdir(), …))` in tests and fixtures — and every server
 * process they spawn — writes below it; the root is removed when the file's tests are done.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const outer = process.env.SHANGHE_OUTER_TMPDIR ?? process.env.TMPDIR ?? '/tmp';
process.env.SHANGHE_OUTER_TMPDIR = outer;
const root = mkdtempSync(join(outer, 'shanghe-unit-'));
process.env.TMPDIR = root;

afterAll(() => {
  process.env.TMPDIR = outer;
  rmSync(root, { recursive: true, force: true });
});
