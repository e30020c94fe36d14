import { Link, useSearchParams } from 'react-router';
import { unwrap, type Webhook } from '../api/client';
import { useLoad } from '../api/use-load';
import { useSession } from '../app/session';
import { ErrorAlert } from '../components/error-alert';
import { formatDate } from '../components/format';
import { PageHeader } from '../components/page-header';
import { Pager } from '../components/pager';
import { NavigationNotice } from './navigation-notice';
import { webhookLogsPath, webhookName, webhookPath } from './webhook-model';
import { WebhookStateWithReason } from './webhook-state';
import './webhooks.css';

/** Rows per page of the list. */
export const WEBHOOKS_PER_PAGE = 25;
/** Events shown in a row before "+ n more". */
const EVENTS_SHOWN = 4;

/** The page number from the URL (`?page=2`), 1 when absent or not a page number. */
function pageFrom(params: URLSearchParams): number {
  const page = Number(params.get('page') ?? '1');
  return Number.isInteger(page) && page >= 1 && page <= 10_000 ? page : 1;
}

export function WebhooksPage() {
  const { api, canEdit } = useSession();
  const [params, setParams] = useSearchParams();
  const page = pageFrom(params);
  const list = useLoad(
    // The list route's page and per_page are not in the OpenAPI document's parameters (the DTO is validated at runtime), hence the cast.
    (signal) => unwrap(api.GET('/api/v1/webhooks', { params: { query: { page, per_page: WEBHOOKS_PER_PAGE } }, signal })),
    String(page),
  );
  const goTo = (next: number) => setParams(next === 1 ? {} : { page: String(next) });
  const answer = list.data;
  const create = canEdit ? (
    <Link className="button button-primary" to="/webhooks/new">
      New webhook
    </Link>
  ) : undefined;

  return (
    <>
      <PageHeader title="Webhooks" subtitle="HTTPS endpoints that receive your events, signed with Standard Webhooks signatures." actions={create} />
      <NavigationNotice />
      {list.state === 'failed' && <ErrorAlert error={list.error} onRetry={list.reload} />}
      {!answer && list.state === 'loading' && (
        <div className="card webhook-loading" aria-busy="true">
          Loading webhooks…
        </div>
      )}
      {answer && answer.data.length === 0 && answer.pagination.total === 0 && (
        <div className="card empty">
          <h2>No webhooks yet</h2>
          <p>{canEdit ? 'Create an endpoint to start receiving events.' : 'An admin of your team can create one.'}</p>
          {canEdit && (
            <Link className="button button-primary" to="/webhooks/new">
              Create a webhook
            </Link>
          )}
        </div>
      )}
      {answer && (answer.data.length > 0 || answer.pagination.total > 0) && (
        <div className="card card-flush" aria-busy={list.state === 'loading'}>
          <table className="table webhook-table" id="webhooks-table">
            <caption className="visually-hidden">Webhooks of your team{list.state === 'loading' ? ' (loading)' : ''}</caption>
            <thead>
              <tr>
                <th scope="col" className="webhook-col-endpoint">
                  Webhook
                </th>
                <th scope="col" className="webhook-col-events">
                  Events
                </th>
                <th scope="col" className="webhook-col-state">
                  State
                </th>
                <th scope="col" className="webhook-col-created">
                  Created
                </th>
                <th scope="col" className="webhook-col-actions">
                  <span className="visually-hidden">Logs</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {answer.data.map((webhook) => (
                <WebhookRow key={webhook.id} webhook={webhook} />
              ))}
            </tbody>
          </table>
          {answer.data.length === 0 && <p className="webhook-past-end">This page is past the end of the list.</p>}
          <Pager
            first={(answer.pagination.current_page - 1) * answer.pagination.per_page + 1}
            shown={answer.data.length}
            total={answer.pagination.total}
            noun="webhooks"
            onPrevious={page > 1 ? () => goTo(Math.min(page - 1, Math.max(1, answer.pagination.last_page))) : undefined}
            onNext={page < answer.pagination.last_page ? () => goTo(page + 1) : undefined}
          />
        </div>
      )}
    </>
  );
}

function WebhookRow({ webhook }: { webhook: Webhook }) {
  const name = webhookName(webhook);
  const hidden = webhook.events.length - EVENTS_SHOWN;
  return (
    <tr data-webhook-id={webhook.id}>
      <td className="webhook-cell-endpoint">
        <Link className="row-title webhook-truncate" to={webhookPath(webhook.id)} title={name}>
          {name}
        </Link>
        {webhook.description && (
          <span className="webhook-url webhook-truncate" title={webhook.url}>
            {webhook.url}
          </span>
        )}
      </td>
      <td data-label="Events">
        <ul className="chip-list" aria-label="Events">
          {webhook.events.slice(0, EVENTS_SHOWN).map((event) => (
            <li key={event} className="webhook-chip" title={event}>
              {event}
            </li>
          ))}
          {hidden > 0 && (
            <li className="webhook-chip webhook-chip-more" title={webhook.events.slice(EVENTS_SHOWN).join(', ')}>
              +{hidden} more
            </li>
          )}
        </ul>
      </td>
      <td data-label="State">
        <WebhookStateWithReason webhook={webhook} />
      </td>
      <td data-label="Created" className="webhook-cell-created">
        {formatDate(webhook.created_at)}
      </td>
      <td className="webhook-cell-actions">
        <Link to={webhookLogsPath(webhook.id)}>
          Logs<span className="visually-hidden"> of {name}</span>
        </Link>
      </td>
    </tr>
  );
}
