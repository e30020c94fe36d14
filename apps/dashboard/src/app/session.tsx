import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { ApiError, createApi, unwrap, type Api, type ApiRole } from '../api/client';

/** Who is signed in: the key's tenant and role, and the API client that sends the key. */
export interface Session {
  api: Api;
  tenantId: string;
  role: ApiRole;
  /** Admins change configuration; viewers only look. */
  canEdit: boolean;
  signOut(): void;
}

interface SessionState {
  session: Session | null;
  signIn(key: string): Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

/** The key lives in this tab only: closing the tab signs out. */
const KEY_STORAGE = 'wirehook.apiKey';

/** Why a key cannot open the dashboard, in the words a person needs. */
export class SignInError extends Error {}

async function openSession(key: string, fetch: typeof globalThis.fetch | undefined, signOut: () => void): Promise<Session> {
  const api = createApi({ key, fetch });
  try {
    const me = await unwrap(api.GET('/api/v1/me'));
    return { api, tenantId: me.data.tenant_id, role: me.data.role, canEdit: me.data.role === 'admin', signOut };
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) throw new SignInError('This API key is not valid (or it was revoked).');
    if (error instanceof ApiError && error.status === 403) throw new SignInError("This is the operator key. Sign in with one of a team's API keys.");
    throw error;
  }
}

export function SessionProvider({ children, fetch, initial = null }: { children: ReactNode; fetch?: typeof globalThis.fetch; initial?: Session | null }) {
  const [session, setSession] = useState<Session | null>(initial);
  const signOut = useCallback(() => {
    sessionStorage.removeItem(KEY_STORAGE);
    setSession(null);
  }, []);
  const signIn = useCallback(
    async (key: string) => {
      const opened = await openSession(key.trim(), fetch, signOut);
      sessionStorage.setItem(KEY_STORAGE, key.trim());
      setSession(opened);
    },
    [fetch, signOut],
  );
  const value = useMemo(() => ({ session, signIn }), [session, signIn]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

function useSessionState(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSession outside SessionProvider');
  return state;
}

/** The signed-in session; pages render only inside one. */
export function useSession(): Session {
  const { session } = useSessionState();
  if (!session) throw new Error('useSession before sign-in');
  return session;
}

export function useSignIn() {
  return useSessionState();
}

/** The key this tab signed in with before a reload, if any. */
export function storedKey(): string | null {
  return sessionStorage.getItem(KEY_STORAGE);
}
