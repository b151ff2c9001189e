// Where the page finds the API: /config.json next to index.html.
//
// Locally (`npm start`, the browser tests) the server answers /config.json with
//   { graphqlUrl, realtimeUrl, apiKey, token }
// where token is a freshly signed experimenters JWT (a loopback-only convenience; the page fetches
// /config.json again when the token nears expiry). In AWS the CDK construct writes
//   { graphqlUrl, realtimeUrl, cognito: { region, userPoolId, clientId } }
// and the page signs the user in against the Cognito user pool. URLs may be relative to the page.
import { realtimeUrlFor } from './realtime.ts';

export interface CognitoConfig {
  region: string;
  userPoolId: string;
  clientId: string;
}

export interface DashboardConfig {
  graphqlUrl: string;
  realtimeUrl?: string;
  apiKey?: string;
  token?: string;
  cognito?: CognitoConfig;
  /** liveCounts polling period when the realtime connection fails (default 2000 ms). */
  pollIntervalMs?: number;
  /** Shown in the header, e.g. "local". */
  environment?: string;
  /** The local host's Insights endpoint (DuckDB over the exported lake); absent on AWS (Athena). */
  insightsUrl?: string;
}

export interface ResolvedConfig extends DashboardConfig {
  graphqlUrl: string;
  realtimeUrl: string;
  /** Host of the GraphQL endpoint (for the realtime authorization headers). */
  graphqlHost: string;
  pollIntervalMs: number;
}

export const CONFIG_PATH = 'config.json';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function resolveConfig(raw: unknown, base: string): ResolvedConfig {
  if (!raw || typeof raw !== 'object') throw new ConfigError('config.json is not a JSON object');
  const cfg = raw as DashboardConfig;
  if (typeof cfg.graphqlUrl !== 'string' || cfg.graphqlUrl === '') throw new ConfigError('config.json has no graphqlUrl');
  if (!cfg.token && !cfg.cognito) throw new ConfigError('config.json has neither a token (local) nor cognito settings (AWS)');
  const graphql = new URL(cfg.graphqlUrl, base);
  let realtime: string;
  if (cfg.realtimeUrl) {
    const url = new URL(cfg.realtimeUrl, base);
    if (url.protocol === 'http:') url.protocol = 'ws:';
    if (url.protocol === 'https:') url.protocol = 'wss:';
    realtime = url.href;
  } else realtime = realtimeUrlFor(graphql.href);
  return {
    ...cfg,
    graphqlUrl: graphql.href,
    realtimeUrl: realtime,
    graphqlHost: graphql.host,
    pollIntervalMs: cfg.pollIntervalMs && cfg.pollIntervalMs >= 250 ? cfg.pollIntervalMs : 2000,
  };
}

export async function loadConfig(): Promise<ResolvedConfig> {
  const url = new URL(CONFIG_PATH, document.baseURI);
  const response = await fetch(url, { cache: 'no-store' });
  if (!response.ok) throw new ConfigError(`${url.pathname} answered HTTP ${response.status}`);
  let json: unknown;
  try {
    json = await response.json();
  } catch {
    throw new ConfigError(`${url.pathname} is not JSON`);
  }
  return resolveConfig(json, document.baseURI);
}
