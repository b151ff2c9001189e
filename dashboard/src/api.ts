// The dashboard's only way to the API: the codegen's typed documents (generated/graphql.ts),
// printed with graphql-js and POSTed with the experimenter's token.
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type DocumentNode } from 'graphql';
import type { Session } from './session.ts';

export interface ApiErrorEntry {
  message: string;
  errorType?: string | null;
  errorInfo?: unknown;
  path?: readonly (string | number)[] | null;
}

export interface FieldProblem {
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly errors: ApiErrorEntry[],
    readonly status: number,
  ) {
    super(errors.map((e) => e.message).join('; ') || `HTTP ${status}`);
    this.name = 'ApiError';
  }

  get errorType(): string | null {
    return this.errors[0]?.errorType ?? null;
  }

  /** Per-field problems of a ValidationError / FrozenFieldError (`errorInfo.fields`), paths without an `input.` prefix. */
  get fieldProblems(): FieldProblem[] {
    const out: FieldProblem[] = [];
    for (const e of this.errors) {
      const fields = (e.errorInfo as { fields?: unknown } | null | undefined)?.fields;
      if (!Array.isArray(fields)) continue;
      for (const f of fields as { field?: unknown; message?: unknown }[]) {
        if (typeof f.field === 'string' && typeof f.message === 'string') out.push({ field: f.field.replace(/^input\./, ''), message: f.message });
      }
    }
    return out;
  }
}

export interface Api {
  request<R, V>(document: TypedDocumentNode<R, V>, variables: V): Promise<R>;
}

const printed = new WeakMap<DocumentNode, string>();
const printedOf = (doc: DocumentNode) => {
  let text = printed.get(doc);
  if (text === undefined) printed.set(doc, (text = print(doc)));
  return text;
};

const isAuthFailure = (status: number, errors?: ApiErrorEntry[]) =>
  status === 401 || (errors ?? []).some((e) => e.errorType === 'UnauthorizedException');

export function createApi(graphqlUrl: string, session: Session): Api {
  async function send<R>(query: string, variables: unknown, token: string): Promise<{ status: number; json: { data?: R | null; errors?: ApiErrorEntry[] } }> {
    let response: Response;
    try {
      response = await fetch(graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: token },
        body: JSON.stringify({ query, variables }),
      });
    } catch (error) {
      throw new ApiError([{ message: `cannot reach the API at ${graphqlUrl} (${error instanceof Error ? error.message : String(error)})`, errorType: 'NetworkError' }], 0);
    }
    const json = (await response.json().catch(() => ({ errors: [{ message: `HTTP ${response.status}: the answer is not JSON`, errorType: 'BadResponse' }] }))) as {
      data?: R | null;
      errors?: ApiErrorEntry[];
    };
    return { status: response.status, json };
  }

  return {
    async request<R, V>(document: TypedDocumentNode<R, V>, variables: V): Promise<R> {
      const query = printedOf(document);
      let { status, json } = await send<R>(query, variables, await session.token());
      if (isAuthFailure(status, json.errors)) ({ status, json } = await send<R>(query, variables, await session.refresh()));
      if (json.errors?.length) throw new ApiError(json.errors, status);
      if (!json.data) throw new ApiError([{ message: `HTTP ${status} without data`, errorType: 'BadResponse' }], status);
      return json.data;
    },
  };
}
