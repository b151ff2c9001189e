// The growth team's dashboard: configuration, sign-in, and the hash router.
import { createApi } from './api.ts';
import { ConfigError, loadConfig, type ResolvedConfig } from './config.ts';
import { errorMessage, type ViewContext } from './context.ts';
import { h, replaceChildren } from './dom.ts';
import { AppSyncRealtimeClient } from './realtime.ts';
import { href, parseRoute, type Route } from './router.ts';
import { localSession, storedCognitoSession, type Session } from './session.ts';
import { renderExperiment } from './views/experiment.ts';
import { renderForm } from './views/form.ts';
import { renderInsights } from './views/insights.ts';
import { renderList } from './views/list.ts';
import { renderLogin } from './views/login.ts';

async function obtainSession(config: ResolvedConfig, main: HTMLElement): Promise<Session> {
  if (config.token) return localSession(config.token);
  const cognito = config.cognito!;
  return storedCognitoSession(cognito) ?? renderLogin(main, cognito);
}

function showSession(session: Session, config: ResolvedConfig): void {
  const slot = document.getElementById('session');
  if (!slot) return;
  replaceChildren(
    slot,
    h('span', { class: 'who' }, `Signed in as ${session.user}`),
    config.environment ? h('span', { class: 'env' }, config.environment) : null,
    session.signOut ? h('button', { type: 'button', class: 'link', onclick: () => session.signOut!() }, 'Sign out') : null,
  );
}

function markNav(route: Route): void {
  for (const a of Array.from(document.querySelectorAll<HTMLAnchorElement>('.site-nav a'))) {
    const current = (a.dataset.nav === 'list' && route.name === 'list') || (a.dataset.nav === 'create' && route.name === 'create');
    if (current) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

async function boot(): Promise<void> {
  const main = document.getElementById('main') as HTMLElement;
  const announcer = document.getElementById('announcer') as HTMLElement;
  document.querySelector('.skip-link')?.addEventListener('click', (e) => {
    e.preventDefault();
    main.focus();
  });

  let config: ResolvedConfig;
  try {
    config = await loadConfig();
  } catch (error) {
    replaceChildren(
      main,
      h('h1', {}, 'The dashboard is not configured'),
      h('p', { class: 'error', role: 'alert' }, error instanceof ConfigError ? error.message : errorMessage(error)),
      h('p', {}, 'It reads config.json next to this page: the local server writes one; in AWS the CDK stack deploys one.'),
    );
    return;
  }
  const session = await obtainSession(config, main);
  showSession(session, config);
  const api = createApi(config.graphqlUrl, session);
  const realtime = new AppSyncRealtimeClient({
    realtimeUrl: config.realtimeUrl,
    graphqlHost: config.graphqlHost,
    authHeaders: async () => ({ Authorization: await session.token() }),
  });

  let controller: AbortController | undefined;
  let disposers: (() => void)[] = [];
  let first = true;

  function render(): void {
    const hash = location.hash;
    if (hash && !hash.startsWith('#/')) return; // an in-page anchor, not a route
    controller?.abort();
    for (const dispose of disposers.splice(0)) {
      try {
        dispose();
      } catch (error) {
        console.warn('view cleanup failed', error);
      }
    }
    controller = new AbortController();
    const route = parseRoute(hash);
    markNav(route);
    let focusTarget: HTMLElement | undefined;
    const ctx: ViewContext = {
      api,
      realtime,
      config,
      signal: controller.signal,
      onDispose: (fn) => disposers.push(fn),
      navigate: (to) => {
        location.hash = to;
      },
      setTitle: (title, heading) => {
        document.title = `${title} · splitloop`;
        focusTarget = heading;
      },
      announce: (message) => {
        announcer.textContent = '';
        setTimeout(() => (announcer.textContent = message), 50);
      },
    };
    main.replaceChildren();
    if (route.name === 'list') renderList(ctx, main, route.status);
    else if (route.name === 'create') renderForm(ctx, main);
    else if (route.name === 'edit') renderForm(ctx, main, route.id);
    else if (route.name === 'experiment') renderExperiment(ctx, main, route.id);
    else if (route.name === 'insights') renderInsights(ctx, main, route.id);
    else {
      const heading = h('h1', { tabindex: '-1' }, 'Page not found');
      ctx.setTitle('Page not found', heading);
      replaceChildren(main, heading, h('p', {}, `Nothing lives at ${route.path}. `, h('a', { href: href.list() }, 'See the experiments')));
    }
    if (!first) focusTarget?.focus({ preventScroll: false });
    first = false;
    window.scrollTo(0, 0);
  }

  window.addEventListener('hashchange', render);
  disposers = [];
  render();
}

void boot();
