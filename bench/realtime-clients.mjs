// The subscriber side of bench/realtime-scale.ts, in its own process so that receiving and parsing
// 1,000 messages per publish neither shares the server's event loop nor counts in its memory.
// Opens N AppSync realtime connections (one subscription each, API key), reports `ready`, then for
// every published marker (the `invites` total of variant A) reports when the first and the last
// subscriber got it (epoch ms, performance.timeOrigin + now) and whether each got it exactly once.
import WebSocket from 'ws';

const [realtimeUrl, apiKey, count, experimentId] = process.argv.slice(2);
const N = Number(count);
const QUERY = 'subscription($id: ID!) { onCountsChanged(experimentId: $id) { experimentId variants { key invites } } }';
const host = new URL(realtimeUrl).host;
const header = Buffer.from(JSON.stringify({ host, 'x-api-key': apiKey })).toString('base64');
const startData = JSON.stringify({ query: QUERY, variables: { id: experimentId } });
const now = () => performance.timeOrigin + performance.now();

/** marker -> { first, last, received: per-subscriber counts } */
const rounds = new Map();
const sockets = [];

function round(marker) {
  let r = rounds.get(marker);
  if (!r) rounds.set(marker, (r = { first: 0, last: 0, got: 0, counts: new Uint16Array(N), wrong: 0 }));
  return r;
}

function open(index) {
  return new Promise((done, fail) => {
    const ws = new WebSocket(`${realtimeUrl}?header=${header}&payload=e30=`, ['graphql-ws'], { perMessageDeflate: false });
    sockets.push(ws);
    ws.once('open', () => ws.send('{"type":"connection_init"}'));
    ws.once('error', fail);
    ws.on('message', (raw) => {
      const msg = JSON.parse(String(raw));
      if (msg.type === 'data') {
        const at = now();
        const counts = msg.payload.data.onCountsChanged;
        const r = round(counts.variants[0].invites);
        if (counts.experimentId !== experimentId) r.wrong += 1;
        r.counts[index] += 1;
        if (r.got === 0) r.first = at;
        r.got += 1;
        if (r.got === N) {
          r.last = at;
          let once = true;
          for (const c of r.counts) if (c !== 1) once = false;
          process.send({ type: 'round', marker: counts.variants[0].invites, first: r.first, last: r.last, once, wrong: r.wrong });
        }
      } else if (msg.type === 'connection_ack') {
        ws.send(JSON.stringify({ id: 's', type: 'start', payload: { data: startData, extensions: { authorization: { host, 'x-api-key': apiKey } } } }));
      } else if (msg.type === 'start_ack') done();
      else if (msg.type === 'error' || msg.type === 'connection_error') fail(new Error(JSON.stringify(msg.payload)));
    });
  });
}

// 50 handshakes in flight at a time: a burst of 1,000 at once only measures the accept backlog.
let next = 0;
await Promise.all(
  Array.from({ length: 50 }, async () => {
    while (next < N) await open(next++);
  }),
);
process.send({ type: 'ready' });
process.on('message', (m) => {
  if (m.type === 'stop') {
    for (const ws of sockets) ws.terminate();
    process.exit(0);
  }
});
