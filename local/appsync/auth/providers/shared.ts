// What the auth providers share: the error for a mode the API does not enable.
import type { AuthMode } from '../config.ts';
import { UnauthorizedError } from '../errors.ts';

export function notEnabled(mode: AuthMode, message: string): UnauthorizedError {
  return new UnauthorizedError(message, 'mode_not_enabled', { cause: `${mode} is not enabled on this API` });
}
