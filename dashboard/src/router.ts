// Hash routes: #/ (experiments, ?status=), #/new, #/experiments/<id>, #/experiments/<id>/edit,
// #/experiments/<id>/insights.
import type { ExperimentStatus } from '../../generated/graphql.ts';

export const STATUSES: readonly ExperimentStatus[] = ['DRAFT', 'RUNNING', 'PAUSED', 'STOPPED'];

export type Route =
  | { name: 'list'; status: ExperimentStatus }
  | { name: 'create' }
  | { name: 'experiment'; id: string }
  | { name: 'edit'; id: string }
  | { name: 'insights'; id: string }
  | { name: 'notFound'; path: string };

export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '') || '/';
  const [path = '/', query = ''] = raw.split('?');
  const params = new URLSearchParams(query);
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0 || (parts.length === 1 && parts[0] === 'experiments')) {
    const status = (params.get('status') ?? 'RUNNING').toUpperCase();
    return { name: 'list', status: (STATUSES as readonly string[]).includes(status) ? (status as ExperimentStatus) : 'RUNNING' };
  }
  if (parts.length === 1 && parts[0] === 'new') return { name: 'create' };
  if (parts.length === 2 && parts[0] === 'experiments') return { name: 'experiment', id: parts[1]! };
  if (parts.length === 3 && parts[0] === 'experiments' && parts[2] === 'edit') return { name: 'edit', id: parts[1]! };
  if (parts.length === 3 && parts[0] === 'experiments' && parts[2] === 'insights') return { name: 'insights', id: parts[1]! };
  return { name: 'notFound', path };
}

export const href = {
  list: (status?: ExperimentStatus) => (status ? `#/experiments?status=${status}` : '#/'),
  create: () => '#/new',
  experiment: (id: string) => `#/experiments/${encodeURIComponent(id)}`,
  edit: (id: string) => `#/experiments/${encodeURIComponent(id)}/edit`,
  insights: (id: string) => `#/experiments/${encodeURIComponent(id)}/insights`,
};

export const STATUS_LABEL: Record<ExperimentStatus, string> = { DRAFT: 'Draft', RUNNING: 'Running', PAUSED: 'Paused', STOPPED: 'Stopped' };
