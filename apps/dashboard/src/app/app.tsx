import { useEffect, useMemo, useState } from 'react';
import { RouterProvider, createHashRouter } from 'react-router';
import { describeError } from '../api/describe-error';
import { routes } from './routes';
import { SessionProvider, SignInError, storedKey, useSignIn } from './session';
import { SignInPage } from './sign-in';

/** Signs in again with the key this tab used before a reload, then shows the pages. */
function SignedInOrNot() {
  const { session, signIn } = useSignIn();
  const [restoring, setRestoring] = useState(() => !session && storedKey() !== null);
  const [problem, setProblem] = useState<string>();
  useEffect(() => {
    const key = storedKey();
    if (!restoring || !key) return;
    signIn(key)
      .catch((error: unknown) => setProblem(error instanceof SignInError ? error.message : describeError(error)))
      .finally(() => setRestoring(false));
  }, [restoring, signIn]);
  const router = useMemo(() => createHashRouter(routes), []);
  if (restoring) return <p className="loading-page">Signing in…</p>;
  if (!session) return <SignInPage initialProblem={problem} />;
  return <RouterProvider router={router} />;
}

export function App() {
  return (
    <SessionProvider>
      <SignedInOrNot />
    </SessionProvider>
  );
}
