import { useLocation } from 'react-router';

/** What the page before said it did ("Webhook created."), handed over in the navigation's state. */
export function NavigationNotice() {
  const { state } = useLocation() as { state: unknown };
  const notice = typeof state === 'object' && state !== null && 'notice' in state && typeof state.notice === 'string' ? state.notice : undefined;
  if (!notice) return null;
  return (
    <p className="webhook-notice webhook-notice-ok" role="status">
      {notice}
    </p>
  );
}
