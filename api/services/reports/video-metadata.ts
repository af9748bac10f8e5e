/**
 * Container metadata out of videos (recording time, GPS position, phone make and model, software,
 * titles, chapters, data tracks) by remuxing with Debian's ffmpeg: `-map_metadata -1 -c copy`, audio and
 * video streams only, bit-exact muxing (no encoder tag, zero creation time). The pictures and sound are
 * copied, not re-encoded, so it is fast and lossless. What a camera burns into the picture itself stays.
 *
 * MP4/MOV keep their index at the end of the file, so ffmpeg needs a seekable file rather than a pipe:
 * the plaintext lives for the duration of the remux in a private directory on /dev/shm (memory, not
 * disk), removed right after. Without ffmpeg or /dev/shm the video is kept as uploaded and the reporter
 * is told metadata may remain (the form says so before upload).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AttachmentMime } from '../../../config/reporting.ts';

const FORMATS: Partial<Record<AttachmentMime, { muxer: string; ext: string }>> = {
  'video/mp4': { muxer: 'mp4', ext: 'mp4' },
  'video/quicktime': { muxer: 'mov', ext: 'mov' },
  'video/3gpp': { muxer: '3gp', ext: '3gp' },
  'video/webm': { muxer: 'webm', ext: 'webm' },
  'video/x-matroska': { muxer: 'matroska', ext: 'mkv' },
};

export const VIDEO_REMUX_LIMITS = { timeoutMs: 60_000, memoryBytes: 1024 * 1024 * 1024 } as const;

/** What the reporter is told was removed. */
export const VIDEO_REMOVED = ['视频文件里的拍摄时间、拍摄位置、手机型号、软件等附加信息'];

let available: boolean | null = null;
/** True when ffmpeg and a memory-backed scratch directory are present (checked once). */
export function videoRemuxAvailable(): boolean {
  if (available === null) available = existsSync('/dev/shm') && spawnSync('ffmpeg', ['-hide_banner', '-version'], { stdio: 'ignore' }).status === 0;
  return available;
}

/** Remuxed bytes, or null when the tool is missing or the file could not be remuxed (kept as is). */
export async function stripVideoMetadata(input: Buffer, mime: AttachmentMime): Promise<{ data: Buffer; removed: string[] } | null> {
  const format = FORMATS[mime];
  if (!format || !videoRemuxAvailable()) return null;
  const dir = mkdtempSync(join('/dev/shm', 'video-remux-'));
  try {
    const inPath = join(dir, `in.${format.ext}`);
    const outPath = join(dir, `out.${format.ext}`);
    writeFileSync(inPath, input, { mode: 0o600 });
    const args = ['-hide_banner', '-loglevel', 'error', '-nostdin', '-i', inPath, '-map', '0:v?', '-map', '0:a?', '-map_metadata', '-1', '-map_chapters', '-1', '-c', 'copy', '-fflags', '+bitexact', '-flags:v', '+bitexact', '-flags:a', '+bitexact', '-f', format.muxer, outPath];
    const ok = await new Promise<boolean>((resolve) => {
      const child = spawn('prlimit', [`--as=${VIDEO_REMUX_LIMITS.memoryBytes}`, '--', 'ffmpeg', ...args], { cwd: dir, env: { PATH: '/usr/bin:/bin' }, stdio: 'ignore', timeout: VIDEO_REMUX_LIMITS.timeoutMs, killSignal: 'SIGKILL' });
      child.on('error', () => resolve(false));
      child.on('close', (code) => resolve(code === 0));
    });
    if (!ok || !existsSync(outPath)) return null;
    const data = readFileSync(outPath);
    return data.length ? { data, removed: VIDEO_REMOVED } : null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
