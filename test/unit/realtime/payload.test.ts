import { parse, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { mutationSelection, projectPayload, shapeResponse, subscribeDirectives } from '../../../local/appsync/realtime/payload.ts';
import { SubscriptionRegistry, valueKey } from '../../../local/appsync/realtime/registry.ts';
import { decodeHeaderMap, handshakeAuth } from '../../../local/appsync/realtime/protocol.ts';
import { testSchema } from './harness.ts';
import type { IncomingMessage } from 'node:http';

const schema = testSchema();
const itemType = schema.getMutationType()!.getFields().publish!.type;

describe('@aws_subscribe', () => {
  it('maps subscription fields to their mutations', () => {
    const map = subscribeDirectives(schema);
    expect(map.get('onPublish')).toEqual(['publish']);
    expect(map.get('onAny')).toEqual(['publish', 'other']);
  });
});

describe('mutation response shaping', () => {
  it('keeps only the mutation selection, declared fields and serialized leaves', () => {
    const doc = parse('mutation { publish(input: {id: "1"}) { id ...F nested { name } } } fragment F on Item { meta }');
    const tree = mutationSelection(doc, 'publish');
    const shaped = shapeResponse(schema, { id: 7, owner: 'x', meta: { a: 1 }, nested: { name: 'n', rank: 2 }, extra: true }, itemType, tree);
    expect(shaped).toEqual({ id: '7', meta: '{"a":1}', nested: { name: 'n' } });
  });

  it('keeps every declared field without a document, and when a fragment cannot be resolved', () => {
    const value = { id: '1', owner: 'o', nested: { name: 'n', rank: 2 }, extra: 1 };
    expect(shapeResponse(schema, value, itemType, null)).toEqual({ id: '1', owner: 'o', nested: { name: 'n', rank: 2 } });
    // graphql-js' info.operation is a bare operation node: its fragment spreads cannot be resolved.
    const op = parse('mutation { publish(input: {id: "1"}) { id ...F } } fragment F on Item { owner }').definitions[0] as OperationDefinitionNode;
    expect(shapeResponse(schema, value, itemType, mutationSelection(op, 'publish'))).toEqual({ id: '1', owner: 'o', nested: { name: 'n', rank: 2 } });
  });

  it('is null for a null result', () => {
    expect(shapeResponse(schema, null, itemType, null)).toBeNull();
  });
});

describe('projection', () => {
  it('executes the subscription selection with auth', () => {
    const document = parse('subscription { onPublish { k: id secret nested { name } __typename } }');
    const json = projectPayload(
      schema,
      { document, operationName: undefined, variables: {}, fieldName: 'onPublish', allowed: (_t, f) => f !== 'secret' },
      { id: '1', secret: 's', nested: { name: 'n' } },
    );
    expect(JSON.parse(json)).toEqual({ data: { onPublish: { k: '1', secret: null, nested: { name: 'n' }, __typename: 'Item' } } });
  });
});

describe('registry', () => {
  const sub = (name: string, argNames: string[], argValues: unknown[]) => ({ name, mutations: ['m'], fieldName: 'f', argNames, argValues });

  it('finds subscribers whose arguments equal the payload fields', () => {
    const registry = new SubscriptionRegistry<ReturnType<typeof sub>>();
    const all = sub('all', [], []);
    const byId = sub('byId', ['id'], ['1']);
    const byBoth = sub('byBoth', ['id', 'owner'], ['1', 'ann']);
    [all, byId, byBoth].forEach((s) => registry.add(s));
    expect(registry.candidates('m', { id: '1', owner: 'ann' }).map((s) => s.name).sort()).toEqual(['all', 'byBoth', 'byId']);
    expect(registry.candidates('m', { id: '1', owner: 'bob' }).map((s) => s.name).sort()).toEqual(['all', 'byId']);
    expect(registry.candidates('m', { id: 1 }).map((s) => s.name).sort()).toEqual(['all', 'byId']);
    expect(registry.candidates('m', { owner: 'ann' }).map((s) => s.name)).toEqual(['all']);
    expect(registry.candidates('other', { id: '1' })).toEqual([]);
    registry.remove(byId);
    expect(registry.size).toBe(2);
    expect(registry.candidates('m', { id: '1', owner: 'bob' }).map((s) => s.name)).toEqual(['all']);
  });

  it('keys structured values independently of key order', () => {
    expect(valueKey({ a: 1, b: [2] })).toBe(valueKey({ b: [2], a: 1 }));
    expect(valueKey('1')).toBe(valueKey(1));
    expect(valueKey(null)).not.toBe(valueKey('null'));
  });
});

describe('handshake authorization', () => {
  const req = (url: string, protocols?: string) =>
    ({ url, headers: protocols ? { 'sec-websocket-protocol': protocols } : {} }) as unknown as IncomingMessage;

  it('reads the header- subprotocol before the header query parameter', () => {
    const fromSub = Buffer.from(JSON.stringify({ 'x-api-key': 'sub' })).toString('base64url');
    const fromQuery = Buffer.from(JSON.stringify({ 'x-api-key': 'query' })).toString('base64');
    const auth = handshakeAuth(req(`/graphql/realtime?header=${fromQuery}&payload=e30=`, `graphql-ws, header-${fromSub}`));
    expect(auth).toEqual({ headers: { 'x-api-key': 'sub' }, body: '{}', connectPath: '/graphql/connect', graphqlPath: '/graphql', source: 'subprotocol' });
    expect(handshakeAuth(req(`/graphql/realtime?header=${fromQuery}`)).headers).toEqual({ 'x-api-key': 'query' });
    expect(handshakeAuth(req('/graphql')).source).toBe('none');
  });

  it('treats malformed headers as absent', () => {
    expect(decodeHeaderMap('not base64 json')).toBeNull();
    expect(decodeHeaderMap(Buffer.from('[1]').toString('base64'))).toBeNull();
  });
});
