// Load generator for bench/peers.ts, run as its own process so its CPU is not the server's:
//   node bench/load.mjs '<json spec>'  ->  prints one JSON line with the autocannon figures.
// spec: { url, headers, kind: 'graphql-var' | 'graphql-literal' | 'ddb', ids: string[], table?,
//         connections, seconds }. Every request picks a random id (and, for 'graphql-literal', a
//         fresh alias, so the query text is new each time).
import autocannon from 'autocannon';

const spec = JSON.parse(process.argv[2]);
const pick = () => spec.ids[Math.floor(Math.random() * spec.ids.length)];
const QUERY = 'query Note($id: ID!) { note(id: $id) { id title n } }';
const bodies = {
  'graphql-var': () => JSON.stringify({ query: QUERY, variables: { id: pick() } }),
  'graphql-literal': () => JSON.stringify({ query: `{ r${Math.floor(Math.random() * 1e9)}: note(id: "${pick()}") { id title n } }` }),
  ddb: () => JSON.stringify({ TableName: spec.table, Key: { pk: { S: 'NOTE' }, sk: { S: pick() } } }),
};
const body = bodies[spec.kind];
const result = await autocannon({
  url: spec.url,
  connections: spec.connections,
  duration: spec.seconds,
  requests: [{ method: 'POST', headers: spec.headers, setupRequest: (req) => ({ ...req, body: body() }) }],
});
process.stdout.write(
  `${JSON.stringify({
    rps: result.requests.average,
    total: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  })}\n`,
);
