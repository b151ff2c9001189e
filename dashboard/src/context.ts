// What every view gets: the API, the realtime client, the configuration, and its own lifetime.
import type { Api } from './api.ts';
import type { ResolvedConfig } from './config.ts';
import type { AppSyncRealtimeClient } from './realtime.ts';

export interface ViewContext {
  api: Api;
  realtime: AppSyncRealtimeClient | null;
  config: ResolvedConfig;
  /** Aborted when the user leaves the view: stop timers, ignore late answers. */
  signal: AbortSignal;
  /** Registers cleanup to run when the view is left. */
  onDispose(fn: () => void): void;
  navigate(hash: string): void;
  /** Sets the document title and the heading the router focuses after navigation. */
  setTitle(title: string, heading: HTMLElement): void;
  /** Polite screen-reader announcement (e.g. "Experiment started"). */
  announce(message: string): void;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
