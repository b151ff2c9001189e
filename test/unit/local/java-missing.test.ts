import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { JavaMissingError } from '../../../local/dynamodb/errors.ts';
import { checkJava } from '../../../local/dynamodb/lifecycle.ts';

const path = process.env.PATH;
afterEach(() => {
  process.env.PATH = path;
});

it('names the package to install when no Java runtime is on the PATH', () => {
  process.env.PATH = mkdtempSync(join(tmpdir(), 'sl-nojava-'));
  expect(() => checkJava()).toThrow(JavaMissingError);
  expect(() => checkJava()).toThrow(/openjdk-17-jre-headless/);
});

it('accepts the Java on this machine', () => {
  expect(() => checkJava()).not.toThrow();
});
