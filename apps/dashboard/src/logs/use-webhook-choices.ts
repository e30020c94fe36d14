import { unwrap, type Webhook } from '../api/client';
import { useLoad } from '../api/use-load';
import { useSession } from '../app/session';

/** Pages of webhooks read for the filter's choices (100 each): enough for any team's select. */
const MAX_PAGES = 10;

/** The tenant's webhooks, for the webhook filter; the filter still works (by id) while they load or if they fail. */
export function useWebhookChoices() {
  const { api } = useSession();
  return useLoad(async (signal) => {
    const webhooks: Webhook[] = [];
    for (let page = 1; page <= MAX_PAGES; page += 1) {
      const body = await unwrap(api.GET('/api/v1/webhooks', { params: { query: { page, per_page: 100 } }, signal }));
      webhooks.push(...body.data);
      if (page >= body.pagination.last_page) break;
    }
    return webhooks;
  }, 'webhook-choices');
}

/** How a webhook is named in lists: its description, else its URL. */
export function webhookLabel(webhook: { description?: string | null; url: string }): string {
  return webhook.description || webhook.url;
}
