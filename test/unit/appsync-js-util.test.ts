// Pieces of the sandbox runtime that the conformance vectors cannot pin exactly: generated ids,
// the time formatter/parser on its edges, UTF-8 handling and the source map reader.
import { describe, expect, it } from 'vitest';
import { base64Decode, base64Encode, escapeJavaScript, urlDecode, urlEncode } from '../../local/appsync/js/runtime/encoding.ts';
import { autoKsuid, autoUlid } from '../../local/appsync/js/runtime/ids.ts';
import { buildUpdate, operations } from '../../local/appsync/js/runtime/ddb-update.ts';
import { time } from '../../local/appsync/js/runtime/time.ts';
import { resolveZone } from '../../local/appsync/js/runtime/time-zone.ts';
import { decodeMappings, originalPosition } from '../../local/appsync/js/sourcemap.ts';

const MS = 1517943695758; // 2018-02-06T19:01:35.758Z, a Tuesday

describe('identifiers', () => {
  it('encodes the ULID time in its first 10 Crockford characters', () => {
    // The ULID specification's example time 1469918176385 encodes as 01ARYZ6S41.
    expect(autoUlid(1469918176385).slice(0, 10)).toBe('01ARYZ6S41');
    expect(autoUlid()).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
  });

  it('makes 27-character KSUIDs that sort by time', () => {
    const earlier = autoKsuid(1_600_000_000_000);
    const later = autoKsuid(1_700_000_000_000);
    expect(earlier).toMatch(/^[0-9A-Za-z]{27}$/);
    expect(earlier < later).toBe(true);
  });
});

describe('util.time', () => {
  it('formats the Java pattern letters', () => {
    const f = (pattern: string, tz?: string) => time.epochMilliSecondsToFormatted(MS, pattern, tz);
    expect(f('G u y yyy Q QQQ QQQQ', 'UTC')).toBe('AD 2018 2018 2018 1 Q1 1st quarter');
    expect(f('M MM MMM MMMM MMMMM L')).toBe('2 02 Feb February F 2');
    expect(f('d D E EEEE EEEEE e')).toBe('6 37 Tue Tuesday T 3');
    expect(f('H k K h a m s SS n A')).toBe('19 19 7 7 PM 1 35 75 758000000 68495758');
    expect(f('Z ZZZZ ZZZZZ O OOOO', '-03:30')).toBe('-0330 GMT-03:30 -03:30 GMT-3:30 GMT-03:30');
    expect(f("yyyy-MM-dd'T'HH:mm:ss.SSSxxx VV", 'UTC+01:00')).toBe('2018-02-06T20:01:35.758+01:00 UTC+01:00');
    expect(f('w W Y')).toBe('6 2 2018');
  });

  it('puts the last days of December in week 1 of the next week-based year (en_US)', () => {
    const dec31 = Date.UTC(2019, 11, 31); // a Tuesday; its week holds January 1, 2020
    expect(time.epochMilliSecondsToFormatted(dec31, 'Y-w')).toBe('2020-1');
  });

  it('rejects unknown pattern letters, reserved characters and unknown zones', () => {
    expect(() => time.epochMilliSecondsToFormatted(MS, 'yyyy-bb')).toThrow('Unknown pattern letter: b');
    expect(() => time.epochMilliSecondsToFormatted(MS, 'yyyy{')).toThrow('reserved character');
    expect(() => time.nowFormatted('yyyy', 'Mars/Olympus')).toThrow('Invalid time zone: Mars/Olympus');
  });

  it('parses the wall clock of a zone across a daylight saving change', () => {
    // America/New_York moved from -05:00 to -04:00 at 2018-03-11 02:00 local time.
    expect(time.parseFormattedToEpochMilliSeconds('2018-03-11 01:30', 'yyyy-MM-dd HH:mm', 'America/New_York')).toBe(Date.UTC(2018, 2, 11, 6, 30));
    expect(time.parseFormattedToEpochMilliSeconds('2018-03-11 03:30', 'yyyy-MM-dd HH:mm', 'America/New_York')).toBe(Date.UTC(2018, 2, 11, 7, 30));
  });

  it('lets an offset in the text win over the zone argument and accepts optional sections', () => {
    expect(time.parseFormattedToEpochMilliSeconds('2018-02-02 01:19:22+0000', 'yyyy-MM-dd HH:mm:ssZ', '+08:00')).toBe(Date.UTC(2018, 1, 2, 1, 19, 22));
    expect(time.parseFormattedToEpochMilliSeconds('2018-02-02', 'yyyy-MM-dd[ HH:mm]')).toBe(Date.UTC(2018, 1, 2));
    expect(time.parseFormattedToEpochMilliSeconds('2018-02-02 10:05', 'yyyy-MM-dd[ HH:mm]')).toBe(Date.UTC(2018, 1, 2, 10, 5));
    expect(() => time.parseFormattedToEpochMilliSeconds('2018-02-30', 'yyyy-MM-dd')).toThrow('Invalid date');
  });

  it('parses ISO 8601 with or without fraction and offset', () => {
    expect(time.parseISO8601ToEpochMilliSeconds('2018-02-06T19:01:35Z')).toBe(MS - 758);
    expect(time.parseISO8601ToEpochMilliSeconds('2018-02-06T20:01:35.758123+01:00')).toBe(MS);
    expect(() => time.parseISO8601ToEpochMilliSeconds('06/02/2018')).toThrow('ISO 8601');
  });

  it('resolves fixed offsets with seconds that Intl cannot express', () => {
    expect(resolveZone('-07:00:30').offsetAt(MS)).toBe(-(7 * 3600 + 30));
    expect(resolveZone('Z').id).toBe('Z');
  });
});

describe('encoding', () => {
  it('round-trips base64 over all of UTF-8', () => {
    const text = 'a é 中 😀';
    expect(base64Encode(text)).toBe(Buffer.from(text, 'utf8').toString('base64'));
    expect(base64Decode(base64Encode(text))).toBe(text);
  });

  it('url-encodes like Java URLEncoder', () => {
    expect(urlEncode("!'()~ *._-")).toBe('%21%27%28%29%7E+*._-');
    expect(urlDecode('%F0%9F%98%80+x')).toBe('😀 x');
  });

  it('escapes JavaScript like Apache Commons escapeEcmaScript', () => {
    expect(escapeJavaScript('\u0001\u007f\u2028😀')).toBe('\\u0001\u007f\\u2028\\uD83D\\uDE00');
  });
});

describe('dynamodb update expressions', () => {
  it('shares a name placeholder between paths and numbers values in order', () => {
    expect(buildUpdate({ a: { x: 1, y: operations.remove() }, b: operations.increment(2) })).toEqual({
      expression: 'SET #expName_1.#expName_2 = :expValue_1, #expName_4 = #expName_4 + :expValue_2 REMOVE #expName_1.#expName_3',
      expressionNames: { '#expName_1': 'a', '#expName_2': 'x', '#expName_3': 'y', '#expName_4': 'b' },
      expressionValues: { ':expValue_1': { N: 1 }, ':expValue_2': { N: 2 } },
    });
  });
});

describe('source maps', () => {
  it('maps a generated position to the original one', () => {
    // "AAAA;AACA,IAAI" : line 1 -> 1:1; line 2 -> 2:1, and column 5 of line 2 -> 2:5.
    const map = decodeMappings('AAAA;AACA,IAAI');
    expect(originalPosition(map, 1, 1)).toEqual({ line: 1, column: 1 });
    expect(originalPosition(map, 2, 7)).toEqual({ line: 2, column: 5 });
    expect(originalPosition(map, 3, 1)).toBeNull();
  });
});
