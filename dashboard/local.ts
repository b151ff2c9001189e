// The dashboard's /config.json on the local runtime (npm start, the browser tests).
//
// It carries a freshly signed experimenters JWT on every request, so the page works with no sign-in.
// That is acceptable only because the local server listens on the loopback interface: anyone who can
// reach it can already mint tokens with `npx splitloop token`. In AWS the page signs in with Cognito
// instead (see infra/dashboard.ts), and no token is ever served.
import { signToken, type AuthSettings } from '../local/appsync/auth/index.ts';
import type { Route } from '../local/appsync/http.ts';
import type { DashboardConfig } from './src/config.ts';

export type Routes = Record<string, Route>;

export interface LocalDashboardOptions {
  /** Who the page acts as (default "dashboard"). */
  user?: string;
  pollIntervalMs?: number;
  /** Where the Insights view asks for its numbers, when the host serves them (npm start does). */
  insightsUrl?: string;
}

export function localDashboardConfig(auth: AuthSettings, options: LocalDashboardOptions = {}): DashboardConfig {
  return {
    // Relative to the page, so that http://localhost:4000 and http://127.0.0.1:4000 both work.
    graphqlUrl: '/graphql',
    realtimeUrl: '/graphql/realtime',
    apiKey: auth.apiKeys[0],
    token: signToken({ user: options.user ?? 'dashboard', groups: ['experimenters'] }, auth),
    environment: 'local',
    ...(options.insightsUrl ? { insightsUrl: options.insightsUrl } : {}),
    ...(options.pollIntervalMs ? { pollIntervalMs: options.pollIntervalMs } : {}),
  };
}

/** `routes` for startApp: GET /config.json answers a fresh configuration each time. */
export function localDashboardRoutes(auth: AuthSettings, options: LocalDashboardOptions = {}): Routes {
  return {
    '/config.json': () => ({ contentType: 'application/json', body: JSON.stringify(localDashboardConfig(auth, options)) }),
  };
}
