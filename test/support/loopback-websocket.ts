// Node 20 has no global WebSocket, and AppSync clients call `new WebSocket(url, protocols)`. This
// installs `ws` as that global, mapping `wss://` to a loopback host onto `ws://` (the local runtime
// serves plain HTTP); the clients still build their URLs, headers and subprotocols themselves.
import { WebSocket as WsWebSocket, type ClientOptions } from 'ws';
import type { ClientRequestArgs } from 'node:http';

export class LoopbackWebSocket extends WsWebSocket {
  constructor(address: string | URL, protocols?: string | string[], options?: ClientOptions | ClientRequestArgs) {
    const url = String(address).replace(/^wss:\/\/(127\.0\.0\.1|localhost|\[::1\])(?=[:/])/, 'ws://$1');
    super(url, protocols, options);
  }
}

/** Installs the global; returns what was there, and records every address dialed. */
export function installLoopbackWebSocket(dialed: string[] = []): { restore(): void; dialed: string[] } {
  const g = globalThis as { WebSocket?: unknown };
  const previous = g.WebSocket;
  g.WebSocket = class extends LoopbackWebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      dialed.push(String(address));
      super(address, protocols);
    }
  };
  return { dialed, restore: () => (g.WebSocket = previous) };
}
