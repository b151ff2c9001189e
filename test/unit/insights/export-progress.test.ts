import { describe, expect, it } from 'vitest';
import { exportProgressReporter, formatExportProgress } from '../../../cli/insights/progress.ts';
import type { ExportProgress } from '../../../insights/export.ts';

const state = (p: Partial<ExportProgress>): ExportProgress => ({ phase: 'scan', scanned: 0, total: 0, rows: 0, files: 0, filesTotal: 0, elapsedMs: 0, ...p });

describe('the export progress line', () => {
  it('shows a bar over the items while scanning, with the rate and an ETA', () => {
    const line = formatExportProgress(state({ scanned: 250_000, total: 1_000_000, rows: 200_000, elapsedMs: 5_000 }), 120);
    expect(line).toMatch(/^export scan +\[=+>\s+\]/);
    expect(line).toContain(' 25%');
    expect(line).toContain('250000/1000000 items');
    expect(line).toContain('50000 items/s');
    expect(line).toContain('ETA 15s');
  });

  it('shows the files while writing and a full bar when done; never wider than the terminal', () => {
    expect(formatExportProgress(state({ phase: 'write', scanned: 10, total: 10, files: 3, filesTotal: 6, elapsedMs: 1000 }))).toContain('3/6 files');
    expect(formatExportProgress(state({ phase: 'done', files: 6, filesTotal: 6, elapsedMs: 1000 }))).toContain('100%');
    expect(formatExportProgress(state({ scanned: 5, total: 10, elapsedMs: 1 }), 40).length).toBeLessThan(40);
  });

  it('redraws in place on a terminal, throttled, and ends the line when done', () => {
    let out = '';
    let now = 0;
    const reporter = exportProgressReporter({ write: (t: string) => (out += t), isTTY: true, columns: 100 }, () => now);
    reporter.update(state({ scanned: 1, total: 10, elapsedMs: 1 }));
    reporter.update(state({ scanned: 2, total: 10, elapsedMs: 2 })); // within 100 ms: skipped
    now = 200;
    reporter.update(state({ scanned: 3, total: 10, elapsedMs: 200 }));
    reporter.update(state({ phase: 'done', scanned: 10, total: 10, files: 1, filesTotal: 1, elapsedMs: 300 }));
    expect(out.split('\r\x1b[2K').length - 1).toBe(3);
    expect(out.endsWith('\n')).toBe(true);
  });
});
