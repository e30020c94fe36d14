import { useState, type FormEvent } from 'react';
import { describeError } from '../api/describe-error';
import { Field } from '../components/field';
import { SignInError, useSignIn } from './session';

/** Asks for a team's API key; the key stays in this browser tab only. */
export function SignInPage({ initialProblem }: { initialProblem?: string }) {
  const { signIn } = useSignIn();
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState(initialProblem);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!key.trim()) {
      setProblem('Enter your API key.');
      return;
    }
    setBusy(true);
    setProblem(undefined);
    try {
      await signIn(key);
    } catch (error) {
      setProblem(error instanceof SignInError ? error.message : describeError(error));
      setBusy(false);
    }
  }

  return (
    <main id="main">
      <form className="signin form" onSubmit={submit} noValidate>
        <h1 className="signin-brand">
          <span className="brand-mark" aria-hidden="true">
            w
          </span>
          Sign in to wirehook
        </h1>
        <p className="subtitle">Use one of your team&apos;s API keys. It is kept in this tab only and sent only to this server.</p>
        <Field label="API key" errors={problem ? [problem] : []}>
          <input type="password" autoComplete="off" spellCheck={false} value={key} onChange={(event) => setKey(event.target.value)} autoFocus />
        </Field>
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
