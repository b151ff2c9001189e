// API_KEY: the `x-api-key` header, compared in constant time with every key of the API.
import { createHash, timingSafeEqual } from 'node:crypto';
import { isModeEnabled, type AuthSettings } from '../config.ts';
import { NOT_AUTHORIZED_MESSAGE, UnauthorizedError } from '../errors.ts';
import type { Principal } from '../authenticate.ts';
import { notEnabled } from './shared.ts';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

function apiKeyMatches(candidate: string, keys: readonly string[]): boolean {
  const d = digest(candidate);
  let found = false;
  for (const key of keys) if (timingSafeEqual(d, digest(key))) found = true;
  return found;
}

export function apiKeyPrincipal(apiKey: string, settings: AuthSettings): Principal {
  if (!isModeEnabled(settings, 'API_KEY')) throw notEnabled('API_KEY', NOT_AUTHORIZED_MESSAGE);
  if (!apiKeyMatches(apiKey.trim(), settings.apiKeys)) throw new UnauthorizedError(NOT_AUTHORIZED_MESSAGE, 'invalid_api_key');
  return { mode: 'API_KEY', identity: null };
}
