// The event AppSync sends to a direct Lambda resolver (see APPSYNC-NOTES §4), typed loosely where
// AppSync itself is loose; handlers narrow `arguments` with type guards, not casts.
export interface AppSyncIdentityCognito {
  sub: string;
  username: string;
  groups: string[] | null;
  claims: Record<string, unknown>;
  issuer: string;
  sourceIp: string[];
  defaultAuthStrategy: string;
}

export interface AppSyncIdentityIam {
  accountId: string;
  userArn: string;
  username: string;
  sourceIp: string[];
  cognitoIdentityPoolId: string | null;
  cognitoIdentityId: string | null;
  cognitoIdentityAuthType: string | null;
  cognitoIdentityAuthProvider: string | null;
}

export interface AppSyncResolverEvent<TArgs = Record<string, unknown>> {
  arguments: TArgs;
  identity: AppSyncIdentityCognito | AppSyncIdentityIam | null;
  source: Record<string, unknown> | null;
  request: { headers: Record<string, string>; domainName: string | null };
  info: {
    fieldName: string;
    parentTypeName: string;
    variables: Record<string, unknown>;
    selectionSetList: string[];
    selectionSetGraphQL: string;
  };
  prev: { result: unknown } | null;
  stash: Record<string, unknown>;
}
