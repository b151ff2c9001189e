// The local budgets on a realtime `start`: a fragment bomb in a subscription document is refused
// at once with LocalLimitExceeded, and the connection keeps working.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { apiKeyHeaders, connectWithQuery, startHarness, startMessage, type Harness } from './harness.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

it('refuses a subscription whose fragments expand to 2^25 fields, within a second, and serves the next start', async () => {
  let query = 'subscription { onPublish { ...F0 } }\n';
  for (let i = 0; i < 26; i += 1) query += `fragment F${i} on Item { ${i === 25 ? 'id' : `...F${i + 1} ...F${i + 1}`} }\n`;
  const client = await connectWithQuery(h, apiKeyHeaders(h));
  await client.next('connection_ack');
  const started = performance.now();
  client.send(startMessage('bomb', query, {}, apiKeyHeaders(h)));
  const refused = await client.next();
  expect(performance.now() - started).toBeLessThan(1000);
  expect(refused).toMatchObject({ type: 'error', id: 'bomb', payload: { errors: [{ errorType: 'LocalLimitExceeded', message: expect.stringContaining('33554433 fields') }] } });
  client.send(startMessage('ok', 'subscription { onPublish { id } }', {}, apiKeyHeaders(h)));
  expect(await client.next()).toEqual({ type: 'start_ack', id: 'ok' });
  await client.close();
});
