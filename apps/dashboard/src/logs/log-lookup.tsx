import { Link } from 'react-router';
import { ApiError, unwrap } from '../api/client';
import { useLoad } from '../api/use-load';
import { useSession } from '../app/session';
import { StatusBadge } from '../components/status';
import { looksLikeLogId } from './log-filters';

/**
 * When the search is a delivery id (`msg_...`) or an attempt id (`msg_..._2`), offers the attempt
 * itself: the API answers a delivery id with its latest attempt, and 404 for anything else.
 */
export function LogLookup({ q }: { q: string }) {
  const { api } = useSession();
  const id = looksLikeLogId(q) ? q : undefined;
  const found = useLoad(
    async (signal) => {
      if (!id) return null;
      try {
        return (await unwrap(api.GET('/api/v1/logs/{id}', { params: { path: { id } }, signal }))).data;
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }
    },
    `lookup:${id ?? ''}`,
  );
  const log = found.data;
  if (!id || !log || !(log.id === id || log.delivery_id === id)) return null;
  return (
    <div className="alert logs-notice logs-notice-ok logs-lookup" role="status">
      <span>
        {log.id === id ? 'Attempt' : 'Delivery'} <span className="mono">{id}</span>: {log.event} to {log.webhook_name || log.url}, attempt #{log.attempt}{' '}
        <StatusBadge status={log.status} />
      </span>{' '}
      <Link to={`/logs/${encodeURIComponent(log.id)}`}>Open attempt #{log.attempt}</Link>
    </div>
  );
}
