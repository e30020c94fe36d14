import { Navigate, type RouteObject } from 'react-router';
import { AttemptPage } from '../attempt/attempt-page';
import { LogsPage } from '../logs/logs-page';
import { RetentionPage } from '../retention/retention-page';
import { WebhookDetailPage } from '../webhooks/webhook-detail-page';
import { WebhookFormPage } from '../webhooks/webhook-form-page';
import { WebhooksPage } from '../webhooks/webhooks-page';
import { AdminOnly, Layout } from './layout';

/** The pages, by hash path (`#/logs?status=failed`): filters and page state live in the URL. */
export const routes: RouteObject[] = [
  {
    element: <Layout />,
    children: [
      { index: true, element: <Navigate to="/webhooks" replace /> },
      { path: 'webhooks', element: <WebhooksPage /> },
      {
        path: 'webhooks/new',
        element: (
          <AdminOnly what="create webhooks">
            <WebhookFormPage />
          </AdminOnly>
        ),
      },
      { path: 'webhooks/:id', element: <WebhookDetailPage /> },
      {
        path: 'webhooks/:id/edit',
        element: (
          <AdminOnly what="change webhooks">
            <WebhookFormPage />
          </AdminOnly>
        ),
      },
      { path: 'logs', element: <LogsPage /> },
      { path: 'logs/:id', element: <AttemptPage /> },
      { path: 'retention', element: <RetentionPage /> },
      { path: '*', element: <Navigate to="/webhooks" replace /> },
    ],
  },
];
