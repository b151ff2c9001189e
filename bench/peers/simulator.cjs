// Bench peer: the Amplify AppSync simulator (VTL) serving the same GetItem query as splitloop's
// local runtime, on the same DynamoDB Local table. Run as its own process by bench/peers.ts:
//   node bench/peers/simulator.cjs <dynamodbEndpoint> <tableName>
// prints {"url": "...", "apiKey": "..."} once listening. The simulator binds every interface; the
// bench stays on loopback, so listen() calls without a host are given 127.0.0.1.
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS script, run by plain node */
const net = require('node:net');
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'number' && typeof args[1] !== 'string') args.splice(1, 0, '127.0.0.1');
  return listen.apply(this, args);
};
const { AmplifyAppSyncSimulator } = require('@aws-amplify/amplify-appsync-simulator');

const [endpoint, tableName] = process.argv.slice(2);
const API_KEY = 'da2-benchpeer000000000000000';
const schema = `
type Note { id: ID! title: String n: Int }
type Query { note(id: ID!): Note }
`;
const request = `{
  "version": "2018-05-29",
  "operation": "GetItem",
  "key": { "pk": $util.dynamodb.toDynamoDBJson("NOTE"), "sk": $util.dynamodb.toDynamoDBJson($ctx.args.id) }
}`;
const response = `#if($ctx.error) $util.error($ctx.error.message, $ctx.error.type) #end
$util.toJson($ctx.result)`;

async function main() {
  const simulator = new AmplifyAppSyncSimulator({ port: 0, wsPort: 0 });
  await simulator.start();
  simulator.init({
    schema: { content: schema },
    appSync: { name: 'bench', defaultAuthenticationType: { authenticationType: 'API_KEY' }, apiKey: API_KEY, additionalAuthenticationProviders: [] },
    dataSources: [
      {
        type: 'AMAZON_DYNAMODB',
        name: 'notes',
        config: { tableName, endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } },
      },
    ],
    resolvers: [
      { kind: 'UNIT', typeName: 'Query', fieldName: 'note', dataSourceName: 'notes', requestMappingTemplateLocation: 'note.req.vtl', responseMappingTemplateLocation: 'note.res.vtl' },
    ],
    mappingTemplates: [
      { path: 'note.req.vtl', content: request },
      { path: 'note.res.vtl', content: response },
    ],
    functions: [],
  });
  process.stdout.write(`${JSON.stringify({ url: `${simulator.localhostUrl.replace("localhost", "127.0.0.1")}/graphql`, apiKey: API_KEY })}\n`);
  process.stdin.on('end', () => process.exit(0)); // the bench closes stdin to stop it
  process.stdin.resume();
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
