import { useState, type FormEvent } from 'react';
import { send } from '../lib/messaging';
import type { Recruiter } from '../lib/schemas';

/** Sign in or create an account on a Parley backend. The token stays in the background. */
export function SignIn({ backendUrl, onSignedIn }: { backendUrl: string; onSignedIn(r: Recruiter): void }) {
  const [mode, setMode] = useState<'login' | 'register'>('login');
  const [url, setUrl] = useState(backendUrl);
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const [fields, setFields] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    const r = await send('session.signIn', {
      mode, backendUrl: url, email, password,
      ...(mode === 'register' ? { name, timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone } : {}),
    });
    setBusy(false);
    if (r.ok) return onSignedIn(r.data.recruiter);
    setError(r.error);
    setFields(r.ok === false && r.fields ? r.fields : {});
  }

  const err = (k: string) => fields[k] && <span className="field-error" id={`${k}-err`}>{fields[k]}</span>;
  return (
    <form className="stack" onSubmit={(e) => void submit(e)} noValidate aria-label={mode === 'login' ? 'Sign in to Parley' : 'Create a Parley account'}>
      <h2>{mode === 'login' ? 'Sign in to Parley' : 'Create your Parley account'}</h2>
      {mode === 'register' && (
        <label>Your name<input value={name} onChange={(e) => setName(e.target.value)} autoComplete="name" aria-invalid={!!fields.name} />{err('name')}</label>
      )}
      <label>Work e-mail<input type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="email" aria-invalid={!!fields.email} />{err('email')}</label>
      <label>Password<input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete={mode === 'login' ? 'current-password' : 'new-password'} aria-invalid={!!fields.password} />{err('password')}</label>
      <details>
        <summary>Backend</summary>
        <label>Parley backend address<input value={url} onChange={(e) => setUrl(e.target.value)} inputMode="url" /></label>
      </details>
      {error && <p className="error" role="alert">{error}</p>}
      <button className="primary" type="submit" disabled={busy}>{busy ? 'Please wait…' : mode === 'login' ? 'Sign in' : 'Create account'}</button>
      <button type="button" className="link" onClick={() => { setMode(mode === 'login' ? 'register' : 'login'); setError(undefined); setFields({}); }}>
        {mode === 'login' ? 'New to Parley? Create an account' : 'Already have an account? Sign in'}
      </button>
    </form>
  );
}
