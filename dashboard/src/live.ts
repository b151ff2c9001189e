// Live counts of one experiment: pushed by the `onCountsChanged` subscription; only when the
// realtime connection fails (or is not available) polled with `liveCounts`, while reconnecting
// with backoff. The status tells the page which of the two is feeding it.
import { GetLiveCountsDocument, OnCountsChangedDocument, type LiveCountsFieldsFragment } from '../../generated/graphql.ts';
import type { Api } from './api.ts';
import type { AppSyncRealtimeClient } from './realtime.ts';

export type LiveCounts = LiveCountsFieldsFragment;
export type LiveSource = 'initial' | 'subscription' | 'poll';

export type LiveStatus =
  | { mode: 'connecting' }
  | { mode: 'subscription' }
  | { mode: 'polling'; reason: string; retryInMs: number };

export interface LiveOptions {
  experimentId: string;
  api: Api;
  realtime: Pick<AppSyncRealtimeClient, 'subscribe'> | null;
  pollIntervalMs: number;
  onCounts(counts: LiveCounts, source: LiveSource): void;
  onStatus(status: LiveStatus): void;
  onError?(error: unknown): void;
  /** First reconnect delay; doubles up to maxRetryMs. */
  retryMs?: number;
  maxRetryMs?: number;
}

export interface LiveFeed {
  stop(): void;
  /** Reads liveCounts once now (e.g. after an action). */
  refresh(): Promise<void>;
}

export function startLiveCounts(options: LiveOptions): LiveFeed {
  const firstRetry = options.retryMs ?? 5000;
  const maxRetry = options.maxRetryMs ?? 60_000;
  let stopped = false;
  let unsubscribe: (() => void) | undefined;
  let pollTimer: ReturnType<typeof setInterval> | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let retryDelay = firstRetry;

  async function fetchOnce(source: LiveSource): Promise<void> {
    try {
      const counts = (await options.api.request(GetLiveCountsDocument, { experimentId: options.experimentId })).liveCounts;
      if (counts && !stopped) options.onCounts(counts, source);
    } catch (error) {
      if (!stopped) options.onError?.(error);
    }
  }

  function stopPolling(): void {
    clearInterval(pollTimer);
    pollTimer = undefined;
  }

  function fallBack(reason: string): void {
    if (stopped) return;
    unsubscribe = undefined;
    if (!pollTimer) {
      pollTimer = setInterval(() => void fetchOnce('poll'), options.pollIntervalMs);
      void fetchOnce('poll');
    }
    if (!options.realtime) {
      options.onStatus({ mode: 'polling', reason, retryInMs: 0 });
      return;
    }
    const delay = retryDelay;
    retryDelay = Math.min(retryDelay * 2, maxRetry);
    clearTimeout(retryTimer);
    retryTimer = setTimeout(subscribe, delay);
    options.onStatus({ mode: 'polling', reason, retryInMs: delay });
  }

  function subscribe(): void {
    if (stopped) return;
    if (!options.realtime) {
      fallBack('no realtime endpoint is configured');
      return;
    }
    if (!pollTimer) options.onStatus({ mode: 'connecting' });
    unsubscribe = options.realtime.subscribe(
      OnCountsChangedDocument,
      { experimentId: options.experimentId },
      {
        started() {
          if (stopped) return;
          stopPolling();
          retryDelay = firstRetry;
          options.onStatus({ mode: 'subscription' });
          void fetchOnce('initial'); // whatever changed while we were not subscribed
        },
        next(data) {
          if (!stopped && data.onCountsChanged) options.onCounts(data.onCountsChanged, 'subscription');
        },
        error(error) {
          fallBack(`${error.errorType}: ${error.message}`);
        },
      },
    );
  }

  void fetchOnce('initial');
  subscribe();

  return {
    stop() {
      stopped = true;
      stopPolling();
      clearTimeout(retryTimer);
      unsubscribe?.();
    },
    refresh: () => fetchOnce('poll'),
  };
}
