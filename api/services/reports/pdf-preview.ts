/**
 * PDFs reach staff as pixels, not as documents (the Dangerzone idea). A reporter's PDF may be hostile:
 * a PDF/HTML or PDF/batch polyglot, or a file built to exploit a viewer. Staff never open it in the
 * browser; each page is rendered to PNG by Debian's poppler `pdftoppm` in a separate child process:
 *   - under `prlimit` (address space and CPU seconds) and a wall-clock timeout (SIGKILL),
 *   - with an empty environment, an empty working directory, the PDF on stdin and the PNG on stdout
 *     (nothing decrypted touches the disk),
 *   - and its output is decoded and re-encoded by sharp, so only a plain PNG of bounded size leaves.
 * Why pdftoppm rather than pdfjs-dist in a worker: poppler is a mature C renderer in Debian's security
 * updates, needs no canvas native module, and a child process can be hard-limited and killed by the
 * kernel (a worker's resourceLimits bound the JS heap only, not native canvas memory or a hang).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';

export const PDF_PREVIEW_LIMITS = {
  /** Wall-clock time for one page (or the page count), then the renderer is killed. */
  timeoutMs: 15_000,
  /** CPU seconds for the renderer (prlimit --cpu). */
  cpuSeconds: 10,
  /** Address space of the renderer (prlimit --as). */
  memoryBytes: 512 * 1024 * 1024,
  /** Render resolution (dots per inch): readable on a 1366-wide screen. */
  dpi: 110,
  /** Largest PNG side, in pixels (pdftoppm -scale-to), whatever the page size claims. */
  maxSide: 1800,
  /** Pages offered for preview; longer documents say so. */
  maxPages: 30,
  /** Output larger than this is refused (a page image is far smaller). */
  maxOutputBytes: 40 * 1024 * 1024,
  /** Renderers running at once; further pages wait their turn (a 30-page PDF must not start 30 at once). */
  concurrent: 2,
} as const;

export class PdfPreviewError extends Error {
  override name = 'PdfPreviewError';
}

let limitsForTests: Partial<Record<keyof typeof PDF_PREVIEW_LIMITS, number>> = {};
/** Tests shrink the limits to prove they bite. */
export function setPdfPreviewLimitsForTests(l: Partial<Record<keyof typeof PDF_PREVIEW_LIMITS, number>>): void {
  limitsForTests = l;
}
const limits = (): Record<keyof typeof PDF_PREVIEW_LIMITS, number> => ({ ...PDF_PREVIEW_LIMITS, ...limitsForTests });

/**
 * Tests may stand a slow program in for a poppler tool (e.g. `sleep 10`), so the time limit is proven
 * on a renderer that really hangs rather than on a race against a fast one.
 */
let toolsForTests: Partial<Record<'pdftoppm' | 'pdfinfo', string[]>> = {};
export function setPdfToolsForTests(t: Partial<Record<'pdftoppm' | 'pdfinfo', string[]>>): void {
  toolsForTests = t;
}

let running = 0;
let peak = 0;
const waiting: (() => void)[] = [];
/** Highest number of renderers seen running at once since the last call (tests). */
export function takePeakConcurrentRenders(): number {
  const p = peak;
  peak = running;
  return p;
}

async function runIsolated(tool: 'pdftoppm' | 'pdfinfo', args: string[], pdf: Buffer): Promise<Buffer> {
  while (running >= limits().concurrent) await new Promise<void>((r) => waiting.push(r));
  running++;
  peak = Math.max(peak, running);
  try {
    return await runOnce(tool, args, pdf);
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/** Runs a poppler tool under prlimit with the PDF on stdin; resolves with stdout. */
function runOnce(tool: 'pdftoppm' | 'pdfinfo', args: string[], pdf: Buffer): Promise<Buffer> {
  const l = limits();
  const cwd = mkdtempSync(join(tmpdir(), 'pdf-preview-'));
  return new Promise<Buffer>((resolve, reject) => {
    const command = toolsForTests[tool] ?? [tool, ...args];
    const child = spawn('prlimit', [`--as=${l.memoryBytes}`, `--cpu=${l.cpuSeconds}`, '--nproc=64', '--', ...command], {
      cwd,
      env: { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' },
      stdio: ['pipe', 'pipe', 'ignore'],
      timeout: l.timeoutMs,
      killSignal: 'SIGKILL',
    });
    const chunks: Buffer[] = [];
    let size = 0;
    let failed: Error | null = null;
    child.stdout.on('data', (d: Buffer) => {
      size += d.length;
      if (size > l.maxOutputBytes) {
        failed = new PdfPreviewError('渲染结果过大');
        child.kill('SIGKILL');
      } else chunks.push(d);
    });
    child.stdin.on('error', () => undefined); // the renderer may stop reading early
    child.stdin.end(pdf);
    child.on('error', (e) => reject(new PdfPreviewError(`无法启动渲染程序：${e.message}`)));
    child.on('close', (code, signal) => {
      rmSync(cwd, { recursive: true, force: true });
      if (failed) return reject(failed);
      if (signal) return reject(new PdfPreviewError(signal === 'SIGKILL' ? '渲染超时或超出内存限制，已终止' : `渲染程序被终止（${signal}）`));
      if (code !== 0) return reject(new PdfPreviewError(`渲染失败（退出码 ${code}）`));
      resolve(Buffer.concat(chunks));
    });
  });
}

/** Number of pages, as poppler reads it (0 when it cannot). */
export async function pdfPageCount(pdf: Buffer): Promise<number> {
  const out = (await runIsolated('pdfinfo', ['-'], pdf)).toString('utf8');
  const m = /^Pages:\s+(\d+)/m.exec(out);
  return m ? Number(m[1]) : 0;
}

/** One page as a clean PNG (1-based page number). */
export async function renderPdfPage(pdf: Buffer, page: number): Promise<Buffer> {
  const l = limits();
  if (!Number.isInteger(page) || page < 1 || page > l.maxPages) throw new PdfPreviewError('页码不正确');
  const raw = await runIsolated('pdftoppm', ['-png', '-r', String(l.dpi), '-scale-to', String(l.maxSide), '-f', String(page), '-l', String(page), '-singlefile', '-'], pdf);
  if (!raw.length) throw new PdfPreviewError('这一页没有渲染出图像');
  // Decode and re-encode: whatever the renderer wrote, only pixels go to the browser.
  return sharp(raw, { limitInputPixels: l.maxSide * l.maxSide, failOn: 'error' }).png().toBuffer();
}
