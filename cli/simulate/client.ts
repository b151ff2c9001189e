// A GraphQL client for the simulation: the codegen's typed documents, printed once, sent over
// HTTP with one of AppSync's auth modes (API key, SigV4 for IAM, a Cognito-style JWT). Transient
// network failures are retried: every record* call carries its own eventId, so a retry is counted once.
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type DocumentNode } from 'graphql';
import { signRequest, type SigningCredentials } from '../../local/appsync/auth/index.ts';

export type CallAuth = { apiKey: string } | { iam: SigningCredentials } | { token: () => string };

export interface GraphqlErrorEntry {
  message: string;
  errorType?: string | null;
  errorInfo?: unknown;
}

export class GraphqlCallError extends Error {
  constructor(
    readonly operation: string,
    readonly errors: GraphqlErrorEntry[],
    readonly status: number,
  ) {
    super(`${operation}: ${errors.map((e) => (e.errorType ? `${e.errorType}: ${e.message}` : e.message)).join('; ')}`);
    this.name = 'GraphqlCallError';
  }

  get errorType(): string | null | undefined {
    return this.errors[0]?.errorType;
  }
}

/** The endpoint could not be reached at all (nothing listening, DNS, reset). */
export class UnreachableError extends Error {
  constructor(
    readonly url: string,
    cause: unknown,
  ) {
    super(`cannot reach ${url} (${describeCause(cause)})`);
    this.name = 'UnreachableError';
  }
}

function describeCause(cause: unknown): string {
  const inner = (cause as { cause?: { code?: string; message?: string } })?.cause;
  return inner?.code ?? inner?.message ?? (cause instanceof Error ? cause.message : String(cause));
}

const printed = new WeakMap<DocumentNode, { text: string; name: string }>();

function printedOf(doc: DocumentNode): { text: string; name: string } {
  let entry = printed.get(doc);
  if (!entry) {
    const op = doc.definitions.find((d) => d.kind === 'OperationDefinition');
    entry = { text: print(doc), name: op && 'name' in op && op.name ? op.name.value : 'operation' };
    printed.set(doc, entry);
  }
  return entry;
}

export interface GraphqlClient {
  request<R, V>(doc: TypedDocumentNode<R, V>, variables: V, auth: CallAuth): Promise<R>;
  /** Requests sent (retries included). */
  readonly sent: number;
}

export function createGraphqlClient(graphqlUrl: string, options: { retries?: number; fetch?: typeof fetch } = {}): GraphqlClient {
  const retries = options.retries ?? 2;
  const doFetch = options.fetch ?? fetch;
  let sent = 0;

  async function headersFor(auth: CallAuth, body: string): Promise<Record<string, string>> {
    const base = { 'content-type': 'application/json' };
    if ('apiKey' in auth) return { ...base, 'x-api-key': auth.apiKey };
    if ('token' in auth) return { ...base, authorization: auth.token() };
    return signRequest({ url: graphqlUrl, body, method: 'POST', headers: base }, auth.iam);
  }

  return {
    get sent() {
      return sent;
    },
    async request<R, V>(doc: TypedDocumentNode<R, V>, variables: V, auth: CallAuth): Promise<R> {
      const { text, name } = printedOf(doc);
      const body = JSON.stringify({ query: text, variables });
      for (let attempt = 0; ; attempt += 1) {
        let response: Response;
        try {
          sent += 1;
          response = await doFetch(graphqlUrl, { method: 'POST', headers: await headersFor(auth, body), body });
        } catch (error) {
          if (attempt < retries) {
            await new Promise((done) => setTimeout(done, 100 * 2 ** attempt));
            continue;
          }
          throw new UnreachableError(graphqlUrl, error);
        }
        let json: { data?: R | null; errors?: GraphqlErrorEntry[] };
        try {
          json = (await response.json()) as typeof json;
        } catch {
          if (response.status >= 500 && attempt < retries) continue;
          throw new GraphqlCallError(name, [{ message: `HTTP ${response.status} with a body that is not JSON`, errorType: 'BadResponse' }], response.status);
        }
        if (json.errors?.length) throw new GraphqlCallError(name, json.errors, response.status);
        if (!json.data) throw new GraphqlCallError(name, [{ message: `HTTP ${response.status} without data`, errorType: 'BadResponse' }], response.status);
        return json.data;
      }
    },
  };
}
