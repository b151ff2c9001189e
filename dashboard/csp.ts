// The Content-Security-Policy the dashboard runs under, everywhere: the build puts it in a <meta>
// element of index.html (so npm start and the browser tests run under it, and a violation fails a
// test instead of a deployment), and CloudFront also sends it as a header, with frame-ancestors.
// 'self' covers the local API and its ws:// realtime endpoint; in AWS the API, its realtime endpoint
// and Cognito are under *.amazonaws.com (a custom API domain would have to be added here).

export interface CspOptions {
  /** Where the page may connect besides its own origin (the API and its realtime endpoint, Cognito). */
  connectSrc?: string[];
  /** For a <meta http-equiv> element, which cannot carry frame-ancestors (browsers ignore it there, with a console error). */
  meta?: boolean;
}

export function dashboardCsp(options: CspOptions = {}): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src ${["'self'", ...(options.connectSrc ?? [])].join(' ')}`,
    options.meta ? null : "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
  ]
    .filter((d): d is string => d !== null)
    .join('; ');
}

/** AppSync (HTTPS and realtime WebSocket) and Cognito endpoints of any region. */
export const AWS_CONNECT_SRC = ['https://*.amazonaws.com', 'wss://*.amazonaws.com'];
