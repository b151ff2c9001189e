// The referral code item, CODE#<code>: written by the referralCode pipeline (a JS resolver), read
// by the events Lambda. APPSYNC_JS subset.
export interface CodeItem {
  code: string;
  experimentId: string;
  referrerId: string;
  variant: string;
  /** The referrer's phase (their assignment's); absent on codes made before phases: phase 1. */
  phase?: number;
  createdAt?: string;
}

/** The code item's attributes besides its key. */
export function codeAttributes(code: string, experimentId: string, referrerId: string, variant: string, phase: number, createdAt: string): CodeItem {
  return { code, experimentId, referrerId, variant, phase, createdAt };
}

export function isCodeItem(item: Record<string, unknown> | null | undefined): item is Record<string, unknown> & CodeItem {
  return !!item && typeof item.referrerId === 'string' && typeof item.experimentId === 'string';
}
