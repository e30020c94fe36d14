import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { unwrap, type AttemptResult, type Webhook } from '../api/client';
import { useLoad } from '../api/use-load';
import { useSession } from '../app/session';
import { ConfirmDialog } from '../components/confirm-dialog';
import { ErrorAlert } from '../components/error-alert';
import { PageHeader } from '../components/page-header';
import { useToast } from '../components/toasts';
import { NavigationNotice } from './navigation-notice';
import { ActionProblem, TestResult } from './test-result';
import { WebhookConfiguration } from './webhook-configuration';
import { WebhookHealth } from './webhook-health';
import { webhookLogsPath, webhookName, webhookPath } from './webhook-model';
import { WebhookRecover } from './webhook-recover';
import { WebhookReplay } from './webhook-replay';
import { WebhookSecret } from './webhook-secret';
import { WebhookStateBadge } from './webhook-state';
import { WebhookStats, statsWindowFrom } from './webhook-stats';
import './webhooks.css';

/** A test send reaches the logs (and so health and statistics) a moment after its answer. */
const LOGS_CATCH_UP_MS = 1000;

export function WebhookDetailPage() {
  const { id = '' } = useParams();
  const { api } = useSession();
  const webhook = useLoad(async (signal) => (await unwrap(api.GET('/api/v1/webhooks/{id}', { params: { path: { id } }, signal }))).data, id);
  if (!webhook.data) {
    return (
      <>
        <PageHeader title="Webhook" crumb={{ to: '/webhooks', label: 'Webhooks' }} />
        {webhook.state === 'failed' ? (
          <ErrorAlert error={webhook.error} onRetry={webhook.reload} />
        ) : (
          <div className="card webhook-loading" aria-busy="true">
            Loading the webhook…
          </div>
        )}
      </>
    );
  }
  return (
    <WebhookDetail
      webhook={webhook.data}
      reloading={webhook.state === 'loading'}
      failed={webhook.state === 'failed' ? webhook.error : undefined}
      reload={webhook.reload}
    />
  );
}

interface WebhookDetailProps {
  webhook: Webhook;
  reloading: boolean;
  failed: unknown;
  reload(): void;
}

function WebhookDetail({ webhook, reloading, failed, reload }: WebhookDetailProps) {
  const { api, canEdit } = useSession();
  const toast = useToast();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const statsWindow = statsWindowFrom(params);
  const [busy, setBusy] = useState<'test' | 'active' | 'delete'>();
  const [testResult, setTestResult] = useState<AttemptResult>();
  const [problem, setProblem] = useState<{ what: string; error: unknown }>();
  const [confirmDelete, setConfirmDelete] = useState(false);
  // Bumped when a test send may have changed the logs: health and statistics load again.
  const [logsRound, setLogsRound] = useState(0);
  const name = webhookName(webhook);
  const path = { params: { path: { id: webhook.id } } };

  // The loading view's heading took the focus after navigation and went away with it: give it to this page's heading.
  useEffect(() => {
    if (document.activeElement === document.body) document.querySelector<HTMLElement>('[data-page-heading]')?.focus({ preventScroll: true });
  }, []);

  async function sendTest() {
    setBusy('test');
    setProblem(undefined);
    setTestResult(undefined);
    try {
      setTestResult((await unwrap(api.POST('/api/v1/webhooks/{id}/test', path))).data);
      setTimeout(() => setLogsRound((round) => round + 1), LOGS_CATCH_UP_MS);
    } catch (error) {
      setProblem({ what: 'Test not sent', error });
    } finally {
      setBusy(undefined);
    }
  }

  async function setActive(active: boolean) {
    setBusy('active');
    setProblem(undefined);
    try {
      await unwrap(api.PATCH('/api/v1/webhooks/{id}', { ...path, body: { active } }));
      toast(active ? 'Webhook resumed: deliveries start again.' : 'Webhook paused: no deliveries until you resume it.');
      reload();
    } catch (error) {
      setProblem({ what: active ? 'Not resumed' : 'Not paused', error });
    } finally {
      setBusy(undefined);
    }
  }

  async function remove() {
    setBusy('delete');
    try {
      await unwrap(api.DELETE('/api/v1/webhooks/{id}', path));
      navigate('/webhooks', { state: { notice: `Webhook ${name} deleted. Its delivery logs stay until retention removes them.` } });
    } catch (error) {
      setConfirmDelete(false);
      setProblem({ what: 'Not deleted', error });
      setBusy(undefined);
    }
  }

  const actions = (
    <>
      {canEdit && (
        <button type="button" className="button button-primary" onClick={sendTest} disabled={busy !== undefined}>
          {busy === 'test' ? 'Sending…' : 'Send test'}
        </button>
      )}
      {canEdit && (
        <Link className="button" to={webhookPath(webhook.id, '/edit')}>
          Edit
        </Link>
      )}
      {canEdit && (
        <button type="button" className="button" onClick={() => setActive(!webhook.active)} disabled={busy !== undefined}>
          {busy === 'active' ? (webhook.active ? 'Pausing…' : 'Resuming…') : webhook.active ? 'Pause' : 'Resume'}
        </button>
      )}
      <Link className="button" to={webhookLogsPath(webhook.id)}>
        View logs
      </Link>
      {canEdit && (
        <button type="button" className="button button-danger" onClick={() => setConfirmDelete(true)} disabled={busy !== undefined}>
          Delete
        </button>
      )}
    </>
  );

  return (
    <div className="webhook-detail" aria-busy={reloading}>
      <PageHeader
        title={name}
        crumb={{ to: '/webhooks', label: 'Webhooks' }}
        subtitle={
          <span className="webhook-subtitle">
            <WebhookStateBadge webhook={webhook} />
            <span className="webhook-url webhook-truncate" title={webhook.url}>
              {webhook.url}
            </span>
          </span>
        }
        actions={actions}
      />
      <NavigationNotice />
      {failed !== undefined && <ErrorAlert error={failed} onRetry={reload} />}
      <div aria-live="polite" className="webhook-result-slot">
        {testResult && <TestResult result={testResult} />}
        {problem && <ActionProblem what={problem.what} error={problem.error} />}
      </div>
      {!webhook.active && webhook.disabled_reason && (
        <p className="webhook-notice webhook-notice-warn">
          The dispatcher disabled this webhook: {webhook.disabled_reason}. {canEdit ? 'Resume it to start delivering again.' : 'An admin can resume it.'}
        </p>
      )}
      <div className="grid">
        <WebhookHealth webhook={webhook} round={logsRound} />
        <WebhookConfiguration webhook={webhook} />
      </div>
      <WebhookStats webhookId={webhook.id} window={statsWindow} round={logsRound} onWindow={(next) => setParams(next === '24h' ? {} : { window: next })} />
      {canEdit && (
        <div className="grid">
          <WebhookSecret webhookId={webhook.id} />
          <WebhookRecover webhookId={webhook.id} />
        </div>
      )}
      <WebhookReplay webhook={webhook} />
      {confirmDelete && (
        <ConfirmDialog
          open
          title="Delete this webhook?"
          confirmLabel="Delete webhook"
          danger
          busy={busy === 'delete'}
          onConfirm={remove}
          onCancel={() => setConfirmDelete(false)}
        >
          {name} stops receiving events at once. Its delivery logs stay until retention removes them. This cannot be undone.
        </ConfirmDialog>
      )}
    </div>
  );
}
