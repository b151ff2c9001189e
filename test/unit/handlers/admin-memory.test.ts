// The admin handler unit-tested through its registry with in-memory stores: no DynamoDB, no
// environment. The same handler runs against DynamoDB Local in test/integration/experiments.test.ts.
import { describe, expect, it } from 'vitest';
import { adminFields } from '../../../lambdas/admin/handler.ts';
import { assign } from '../../../lambdas/assign/assign.ts';
import type { Experiment } from '../../../lambdas/domain/experiment.ts';
import type { AppSyncResolverEvent } from '../../../lambdas/shared/appsync-event.ts';
import { createRegistry, type Envelope } from '../../../lambdas/shared/registry.ts';
import { memoryStores } from '../../../lambdas/store/memory.ts';

function event(field: string, args: Record<string, unknown>): AppSyncResolverEvent {
  return {
    arguments: args,
    identity: null,
    source: null,
    request: { headers: {}, domainName: null },
    info: { fieldName: field, parentTypeName: 'Mutation', variables: {}, selectionSetList: [], selectionSetGraphQL: '' },
    prev: null,
    stash: {},
  };
}

const input = {
  name: 'Reward $5 vs $10',
  variants: [
    { key: 'A', name: '$5', weight: 0.5, config: '{"rewardUsd":5}' },
    { key: 'B', name: '$10', weight: 0.5, config: '{"rewardUsd":10}' },
  ],
  control: 'A',
};

const data = (out: Envelope) => {
  if (!('data' in out)) throw new Error(`expected data, got ${JSON.stringify(out.error)}`);
  return out.data as Experiment;
};

describe('admin handler with in-memory stores', () => {
  it('creates, starts and refuses a stale version without touching DynamoDB', async () => {
    const stores = memoryStores();
    const handler = createRegistry(adminFields, () => ({ stores }));
    const created = data(await handler(event('createExperiment', { input })));
    expect(created).toMatchObject({ status: 'DRAFT', version: 1, currency: 'USD' });
    expect(stores.experimentItems.get(created.id)).toMatchObject({ pk: `EXP#${created.id}`, sk: 'META', gsi1pk: 'STATUS#DRAFT' });

    const started = data(await handler(event('startExperiment', { id: created.id })));
    expect(started).toMatchObject({ status: 'RUNNING', version: 2 });
    expect(stores.experimentItems.get(created.id)).toMatchObject({ status: 'RUNNING', gsi1pk: 'STATUS#RUNNING' });

    const stale = await handler(event('updateExperiment', { input: { id: created.id, version: 1, name: 'late' } }));
    expect(stale).toMatchObject({ error: { errorType: 'ConflictError' } });
    expect(stores.experimentItems.get(created.id)).toMatchObject({ name: input.name, version: 2 });

    const missing = await handler(event('stopExperiment', { id: 'no-such-experiment' }));
    expect(missing).toMatchObject({ error: { errorType: 'NotFoundError' } });
  });

  it('reads an item stored before `currency` existed through the one projection', async () => {
    const stores = memoryStores();
    const handler = createRegistry(adminFields, () => ({ stores }));
    const created = data(await handler(event('createExperiment', { input })));
    delete stores.experimentItems.get(created.id)!.currency;
    expect(data(await handler(event('startExperiment', { id: created.id }))).currency).toBe('USD');
  });

  it('assign is sticky with in-memory stores', async () => {
    const stores = memoryStores();
    const admin = createRegistry(adminFields, () => ({ stores }));
    const created = data(await admin(event('createExperiment', { input })));
    await admin(event('startExperiment', { id: created.id }));
    const first = await assign(event('assign', { experimentId: created.id, userId: 'u1' }), { stores });
    const again = await assign(event('assign', { experimentId: created.id, userId: 'u1' }), { stores });
    expect(first).toMatchObject({ enrolled: true, isNew: true });
    expect(again).toMatchObject({ enrolled: true, isNew: false, variant: first.variant, bucket: first.bucket });
  });
});
