// The Content-Security-Policy the dashboard runs under: CloudFront sends it in AWS, and the browser
// tests send it locally, so that a violation fails a test instead of a deployment.

export interface CspOptions {
  /** Where the page may connect besides its own origin (the API and its realtime endpoint, Cognito). */
  connectSrc?: string[];
}

export function dashboardCsp(options: CspOptions = {}): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src ${["'self'", ...(options.connectSrc ?? [])].join(' ')}`,
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
  ].join('; ');
}

/** AppSync (HTTPS and realtime WebSocket) and Cognito endpoints of any region. */
export const AWS_CONNECT_SRC = ['https://*.amazonaws.com', 'wss://*.amazonaws.com'];
