// The export's progress line: a bar over the table's items while scanning, then over the files.
import type { ExportProgress } from '../../insights/export.ts';
import { formatBar, formatDuration, type ProgressStream } from '../simulate/progress.ts';

export function formatExportProgress(p: ExportProgress, columns = 80): string {
  const scanning = p.phase === 'scan';
  const done = scanning ? p.scanned : p.files;
  const total = scanning ? Math.max(p.total, p.scanned) : p.filesTotal;
  const fraction = p.phase === 'done' ? 1 : total > 0 ? done / total : 0;
  const rate = p.elapsedMs > 0 ? Math.round((p.scanned * 1000) / p.elapsedMs) : 0;
  const eta = scanning && p.scanned > 0 && total > p.scanned ? `ETA ${formatDuration((p.elapsedMs / p.scanned) * (total - p.scanned))}` : `${formatDuration(p.elapsedMs)} elapsed`;
  const counters = [
    `${String(Math.floor(fraction * 100)).padStart(3)}%`,
    scanning ? `${p.scanned}/${total} items` : `${p.files}/${p.filesTotal} files`,
    `${p.rows} rows`,
    `${rate} items/s`,
    eta,
  ].join('  ');
  const label = `export ${p.phase === 'scan' ? 'scan ' : p.phase === 'write' ? 'write' : 'done '} `;
  const width = Math.min(30, columns - label.length - counters.length - 3);
  const line = width >= 5 ? `${label}${formatBar(fraction, width)} ${counters}` : `${label}${counters}`;
  return line.length < columns ? line : line.slice(0, columns - 1);
}

/** Redraws in place on a terminal (at most every 100 ms), a plain line every 2 s otherwise. */
export function exportProgressReporter(stream: ProgressStream, now = () => Date.now()) {
  const tty = stream.isTTY === true;
  const interval = tty ? 100 : 2000;
  let last = -Infinity;
  const draw = (p: ExportProgress) => stream.write(tty ? `\r\x1b[2K${formatExportProgress(p, stream.columns ?? 80)}` : `${formatExportProgress(p, 120)}\n`);
  return {
    update(p: ExportProgress) {
      if (p.phase === 'done') {
        draw(p);
        if (tty) stream.write('\n');
        return;
      }
      if (now() - last < interval) return;
      last = now();
      draw(p);
    },
  };
}
