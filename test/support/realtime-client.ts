// A minimal AppSync realtime client for tests and benchmarks (the protocol of APPSYNC-NOTES §5).
import WebSocket from 'ws';

export interface Subscription<T> {
  messages: T[];
  /** Resolves when a received message satisfies `predicate` (checked on every message). */
  waitFor(predicate: (messages: T[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** `auth`: an API key, or `{ authorization }` with a user-pool token. */
export async function subscribe<T>(realtimeUrl: string, auth: string | { authorization: string }, query: string, variables: Record<string, unknown>, onData?: (data: T) => void): Promise<Subscription<T>> {
  const host = new URL(realtimeUrl).host;
  const credential = typeof auth === 'string' ? { 'x-api-key': auth } : { authorization: auth.authorization };
  const header = Buffer.from(JSON.stringify({ host, ...credential })).toString('base64');
  const ws = new WebSocket(`${realtimeUrl}?header=${header}&payload=e30=`, ['graphql-ws']);
  const messages: T[] = [];
  const waiters: (() => void)[] = [];
  await new Promise<void>((done, fail) => {
    ws.once('open', () => ws.send(JSON.stringify({ type: 'connection_init' })));
    ws.on('message', (raw) => {
      const msg = JSON.parse(String(raw)) as { type: string; id?: string; payload?: { data?: Record<string, T>; errors?: unknown } };
      if (msg.type === 'connection_ack') {
        ws.send(JSON.stringify({ id: '1', type: 'start', payload: { data: JSON.stringify({ query, variables }), extensions: { authorization: { host, ...credential } } } }));
      } else if (msg.type === 'start_ack') done();
      else if (msg.type === 'data' && msg.payload?.data) {
        const value = Object.values(msg.payload.data)[0] as T;
        messages.push(value);
        onData?.(value);
        for (const w of waiters.splice(0)) w();
      } else if (msg.type === 'error' || msg.type === 'connection_error') fail(new Error(JSON.stringify(msg.payload)));
    });
    ws.once('error', fail);
  });
  return {
    messages,
    async waitFor(predicate, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(messages)) {
        if (Date.now() > deadline) throw new Error(`subscription did not see the expected data in ${timeoutMs} ms (got ${messages.length} messages)`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 200);
        });
      }
    },
    async close() {
      ws.send(JSON.stringify({ id: '1', type: 'stop' }));
      ws.close();
      await new Promise((r) => ws.once('close', r));
    },
  };
}
