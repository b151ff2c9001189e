// Minimal source map v3 reader: maps a generated (line, column) back to the original position.
// Used to report console.log positions in the code the user submitted (as AWS does).

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Per generated line: segments [generatedColumn, originalLine, originalColumn] (0-based). */
export type LineMappings = [number, number, number][][];

function decodeVlq(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const ch of segment) {
    const digit = B64.indexOf(ch);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

export function decodeMappings(mappings: string): LineMappings {
  const lines: LineMappings = [];
  let [srcLine, srcCol] = [0, 0];
  for (const line of mappings.split(';')) {
    const segments: [number, number, number][] = [];
    let genCol = 0;
    for (const seg of line.split(',')) {
      if (!seg) continue;
      const v = decodeVlq(seg);
      genCol += v[0] ?? 0;
      if (v.length >= 4) {
        srcLine += v[2] ?? 0;
        srcCol += v[3] ?? 0;
        segments.push([genCol, srcLine, srcCol]);
      }
    }
    lines.push(segments);
  }
  return lines;
}

/** 1-based in, 1-based out; null when the generated line has no mapping. */
export function originalPosition(map: LineMappings, line: number, column: number): { line: number; column: number } | null {
  const segments = map[line - 1];
  if (!segments?.length) return null;
  let best: [number, number, number] | null = null;
  for (const s of segments) {
    if (s[0] <= column - 1) best = s;
    else break;
  }
  best ??= segments[0] ?? null;
  return best ? { line: best[1] + 1, column: best[2] + 1 } : null;
}
