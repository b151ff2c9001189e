// The lake's manifest (`<lake>/_manifest.json`): the watermark up to which items are exported, each
// finished export's window and files, and the export in progress. An export first pins its window
// here (`pending`), so that a run interrupted at any point is resumed with the same window and
// writes the same files; the watermark moves only when every file of the window is in place.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const MANIFEST_FILE = '_manifest.json';

export interface ExportWindow {
  seq: number;
  /** Items changed after this time (exclusive; '' for the first export)... */
  from: string;
  /** ...up to this time (inclusive). */
  to: string;
}

export interface FinishedExport extends ExportWindow {
  files: { path: string; rows: number }[];
}

export interface Manifest {
  format: 1;
  watermark: string;
  exports: FinishedExport[];
  pending?: ExportWindow;
}

export function readManifest(lakeDir: string): Manifest {
  const file = join(lakeDir, MANIFEST_FILE);
  if (!existsSync(file)) return { format: 1, watermark: '', exports: [] };
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  if (parsed.format !== 1 || typeof parsed.watermark !== 'string' || !Array.isArray(parsed.exports)) {
    throw new Error(`${file} is not a splitloop lake manifest (format 1); move it away to start a new lake`);
  }
  return parsed;
}

/** Writes a file so that readers see the old or the new content, never a part: temp file, then rename. */
export function writeFileAtomic(file: string, content: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, content);
  renameSync(temp, file);
}

export function writeManifest(lakeDir: string, manifest: Manifest): void {
  writeFileAtomic(join(lakeDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
}
