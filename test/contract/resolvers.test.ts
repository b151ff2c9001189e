// The app's own APPSYNC_JS resolvers, bundled as they are deployed and run through the local
// evaluator, against the versioned case file resolvers.cases.json: request shapes (keys from
// model/), the shared projections, and errors with their errorTypes — without starting DynamoDB.
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate, type EvaluationContext } from '../../local/appsync/js/evaluator.ts';
import { manifest } from '../../resolvers/manifest.ts';
import { bundleOne } from '../../scripts/bundle-resolvers.ts';
import caseFile from './resolvers.cases.json' with { type: 'json' };

interface Case {
  name: string;
  resolver: string;
  function: 'request' | 'response';
  context: EvaluationContext;
  expected: { result?: unknown; error?: { message: string; errorType: string | null; errorInfo: unknown } };
}

const root = resolve(import.meta.dirname, '..', '..');
const { version, cases } = caseFile as unknown as { version: number; cases: Case[] };
const bundles = new Map<string, string>();
const bundled = (path: string) => bundles.get(path) ?? bundles.set(path, bundleOne(join(root, path))).get(path)!;

describe('resolvers.cases.json', () => {
  it('is version 1 and names only code the manifest deploys', () => {
    expect(version).toBe(1);
    const deployed = new Set([...manifest.resolvers, ...manifest.functions].flatMap((r) => ('code' in r ? [r.code] : [])));
    expect(cases.filter((c) => !deployed.has(c.resolver)).map((c) => c.resolver)).toEqual([]);
  });

  it.each(cases)('$resolver $function: $name', async (c) => {
    const { outcome } = await evaluate(bundled(c.resolver), c.function, c.context);
    if (c.expected.error) {
      expect(outcome.kind).toBe('error');
      if (outcome.kind !== 'error') return;
      const { message, errorType, errorInfo } = outcome.error;
      expect({ message, errorType, errorInfo }).toEqual(c.expected.error);
    } else {
      expect(outcome).toEqual({ kind: 'value', value: c.expected.result });
    }
  });
});
