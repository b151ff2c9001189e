// What a client is told when DynamoDB Local cannot be reached (stopped, crashed, restarting): a
// DynamoDB-style ServiceUnavailable error, never the socket error, which names the internal endpoint.

/** Errors of the connection itself, as Node and the AWS SDK report them. */
const CONNECTION_FAILURE = /\b(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|socket hang up|other side closed)\b/i;

export function isConnectionFailure(text: string): boolean {
  return CONNECTION_FAILURE.test(text);
}

export const SERVICE_UNAVAILABLE = {
  type: 'DynamoDB:ServiceUnavailable',
  message: 'DynamoDB is unavailable right now (the local DynamoDB is not answering; the runtime restarts it if it stopped). Retry the request.',
} as const;

/** host:port and IP addresses taken out of a message meant for a client. */
export function withoutAddresses(message: string): string {
  return message
    .replace(/\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b/g, '<internal address>')
    .replace(/\[[0-9a-f:]+\](?::\d+)?/gi, '<internal address>')
    .replace(/\blocalhost:\d+\b/gi, '<internal address>');
}
