import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { LogDetail } from '../api/client';
import { formatDate, formatDuration } from '../components/format';
import { HttpOutcome, StatusBadge } from '../components/status';
import { BodyView } from './body-view';

function Card({ title, id, children }: { title: string; id: string; children: ReactNode }) {
  return (
    <section className="card attempt-card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

function Mono({ text }: { text: string }) {
  return <span className="mono break">{text}</span>;
}

export function Summary({ log }: { log: LogDetail }) {
  const identifiers = Object.entries(log.identifiers ?? {});
  const rows: Array<[string, ReactNode]> = [
    ['Attempt status', <StatusBadge key="s" status={log.status} />],
    ['Delivery status', log.delivery ? <StatusBadge status={log.delivery.status} /> : '—'],
    ['HTTP outcome', <HttpOutcome key="h" httpStatus={log.http_status} errorCode={log.error_code} />],
    [
      'Webhook',
      <>
        <Link to={`/webhooks/${encodeURIComponent(log.webhook_id)}`}>{log.webhook_name || log.url}</Link>
        <br />
        <Mono text={log.url} />
      </>,
    ],
    ['Event', <Mono key="e" text={log.event} />],
    ['Event id', <Mono key="ei" text={log.event_id} />],
    ['Delivery (webhook-id)', <Mono key="d" text={log.delivery_id} />],
    ['Attempt id', <Mono key="a" text={log.id} />],
    [
      'Identifiers',
      identifiers.length ? (
        <ul className="chip-list attempt-chips">
          {identifiers.map(([name, value]) => (
            <li key={name} className="chip mono">
              {name}={value}
            </li>
          ))}
        </ul>
      ) : (
        '—'
      ),
    ],
    ['Trigger', log.trigger === 'auto' ? 'Automatic' : log.trigger === 'manual' ? 'Retried by hand' : 'Test send'],
    ['Published by', log.client_id ? <Mono text={log.client_id} /> : '—'],
    // The W3C trace id: search it in the tracing backend (Jaeger, Tempo...) to see the whole trace.
    ['Trace', log.trace_id ? <Mono text={log.trace_id} /> : '—'],
    ['Duration', formatDuration(log.duration_ms)],
    ['Sent', formatDate(log.created_at)],
    ['Completed', formatDate(log.delivered_at)],
  ];
  const next = log.delivery?.next_attempt_at ?? log.next_attempt_at;
  if (next) rows.push(['Next attempt', formatDate(next)]);
  return (
    <Card title="Summary" id="attempt-summary">
      <dl className="details">
        {rows.map(([term, value]) => (
          <div key={term} className="attempt-detail">
            <dt>{term}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </Card>
  );
}

export function Timeline({ log }: { log: LogDetail }) {
  return (
    <Card title={`Timeline (${log.timeline.length} ${log.timeline.length === 1 ? 'attempt' : 'attempts'})`} id="attempt-timeline">
      <ol className="timeline" data-testid="timeline">
        {log.timeline.map((entry) => {
          const current = entry.id === log.id;
          return (
            <li key={entry.id} className={`timeline-item timeline-${entry.status}`} aria-current={current ? 'step' : undefined}>
              <div className="timeline-head">
                {current ? (
                  <strong>Attempt #{entry.attempt} (this one)</strong>
                ) : (
                  <Link to={`/logs/${encodeURIComponent(entry.id)}`}>Attempt #{entry.attempt}</Link>
                )}
                <StatusBadge status={entry.status} />
                {entry.trigger !== 'auto' && <span className="tag">{entry.trigger}</span>}
              </div>
              <div className="timeline-meta">
                <HttpOutcome httpStatus={entry.http_status} errorCode={entry.error_code} />
                <span>{formatDuration(entry.duration_ms)}</span>
                <span>{formatDate(entry.created_at)}</span>
              </div>
              {entry.error && <div className="muted small break">{entry.error}</div>}
            </li>
          );
        })}
      </ol>
    </Card>
  );
}

function Headers({ headers, caption, testId }: { headers: Record<string, string> | null; caption: string; testId: string }) {
  const entries = Object.entries(headers ?? {}).sort(([a], [b]) => a.localeCompare(b));
  if (!entries.length) return <p className="muted">No headers.</p>;
  return (
    <div className="attempt-headers" data-testid={testId}>
      <table className="table table-compact">
        <caption className="visually-hidden">{caption}</caption>
        <tbody>
          {entries.map(([name, value]) => (
            <tr key={name} data-header={name.toLowerCase()}>
              <th scope="row" className="mono">
                {name}
              </th>
              <td className="mono break">{value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function RequestCard({ log }: { log: LogDetail }) {
  return (
    <Card title="Request" id="attempt-request">
      <p className="request-line">
        <span className="method">{log.request.method}</span> <Mono text={log.request.url} />
      </p>
      <h3>Headers</h3>
      <Headers headers={log.request.headers} caption="Request headers" testId="request-headers" />
      <h3>Payload</h3>
      <BodyView text={log.request.body} label="Request payload" fileName={`${log.id}-request.txt`} testId="request-body" />
    </Card>
  );
}

export function ResponseCard({ log }: { log: LogDetail }) {
  const response = log.response;
  if (!response) {
    return (
      <Card title="Response" id="attempt-response">
        <p className="muted">{log.error ? `No HTTP answer: ${log.error}` : log.attempt === 0 ? 'Not sent yet.' : 'No HTTP answer was received.'}</p>
      </Card>
    );
  }
  return (
    <Card title="Response" id="attempt-response">
      <p className="request-line">
        Status <HttpOutcome httpStatus={response.status} errorCode={null} />
      </p>
      <h3>Headers</h3>
      <Headers headers={response.headers} caption="Response headers" testId="response-headers" />
      <h3>Body</h3>
      {response.body ? (
        <BodyView text={response.body} label="Response body" fileName={`${log.id}-response.txt`} testId="response-body" />
      ) : (
        <p className="muted">Empty body.</p>
      )}
      {response.body_truncated && (
        <p className="hint" data-testid="body-cut">
          The receiver sent more than wirehook keeps of a response (DELIVERY_RESPONSE_BODY_LIMIT_BYTES): this is the part that was kept, and exports hold the
          same.
        </p>
      )}
    </Card>
  );
}
