// Device ids and IPs as the fraud rules keep them (docs/referrals.md, "Fraud and validity rules").
import { createHash } from 'node:crypto';

/**
 * A device id or IP as stored: a salted SHA-256, 96 bits in base64url. Clients may send raw values
 * or their own hashes; either way only this hash is kept, so no raw IP reaches the table.
 */
export function fingerprint(salt: string, value: string | null | undefined): string | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  return createHash('sha256').update(`${salt}:${value.trim().toLowerCase()}`).digest('base64url').slice(0, 16);
}
