import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { useLocation } from 'react-router';

interface Toast {
  id: number;
  message: string;
  tone: 'ok' | 'bad';
  /** The page it was raised on; it shows only there. */
  pathname: string;
}

const ToastContext = createContext<(message: string, tone?: Toast['tone']) => void>(() => undefined);

const TOAST_MS = 6000;

/**
 * Short confirmations ("Saved"). They belong to the page they were raised on: a toast never
 * follows the user to another page.
 */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const { pathname } = useLocation();
  const dismiss = useCallback((id: number) => setToasts((current) => current.filter((toast) => toast.id !== id)), []);
  const show = useCallback(
    (message: string, tone: Toast['tone'] = 'ok') => {
      const id = Date.now() + Math.random();
      setToasts((current) => [...current, { id, message, tone, pathname }]);
      setTimeout(() => dismiss(id), TOAST_MS);
    },
    [dismiss, pathname],
  );
  const value = useMemo(() => show, [show]);
  return (
    <ToastContext.Provider value={value}>
      {children}
      <div className="toasts" role="status" aria-live="polite">
        {toasts
          .filter((toast) => toast.pathname === pathname)
          .map((toast) => (
            <button key={toast.id} type="button" className={`toast toast-${toast.tone}`} onClick={() => dismiss(toast.id)}>
              {toast.message}
            </button>
          ))}
      </div>
    </ToastContext.Provider>
  );
}

/** Shows a toast on the current page. */
export function useToast() {
  return useContext(ToastContext);
}
