import { useRef, useState, type FormEvent } from 'react';
import { send } from '../lib/messaging';
import type { Recruiter } from '../lib/schemas';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** What is missing or wrong in the form, checked here before anything is sent to the backend. */
function check(mode: 'login' | 'register', f: { name: string; email: string; password: string; url: string }): Record<string, string> {
  const problems: Record<string, string> = {};
  if (mode === 'register' && !f.name.trim()) problems.name = 'Enter your name';
  if (!f.email.trim()) problems.email = 'Enter your work e-mail';
  else if (!EMAIL.test(f.email.trim())) problems.email = 'Enter a valid email address';
  if (mode === 'register' && f.password.length < 10) problems.password = 'Use at least 10 characters';
  if (mode === 'login' && !f.password) problems.password = 'Enter your password';
  if (!/^https?:\/\/\S+$/.test(f.url.trim())) problems.backendUrl = 'Enter the backend address, e.g. http://localhost:8787';
  return problems;
}

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
  const [showBackend, setShowBackend] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  /** Shows the field errors and moves focus to the first one. */
  function flag(problems: Record<string, string>) {
    setFields(problems);
    if (problems.backendUrl) setShowBackend(true);
    setTimeout(() => form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(), 0);
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(undefined);
    const problems = check(mode, { name, email, password, url });
    if (Object.keys(problems).length) return flag(problems);
    setBusy(true);
    const r = await send('session.signIn', {
      mode, backendUrl: url, email: email.trim(), password,
      ...(mode === 'register' ? { name: name.trim(), timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone } : {}),
    });
    setBusy(false);
    if (r.ok) return onSignedIn(r.data.recruiter);
    if (r.code === 'network') {
      // The address is the likely culprit: show it, right under the message.
      setShowBackend(true);
      const reason = r.error.includes('. ') ? r.error.slice(0, r.error.indexOf('. ') + 1) : r.error;
      setError(`${reason} Check that it is running (npm start prints its address), or change the address under “Backend” below.`);
    } else {
      setError(r.error);
    }
    if (r.fields) flag(r.fields);
    else setFields({});
  }

  const err = (k: string) => fields[k] && <span className="field-error" id={`${k}-err`}>{fields[k]}</span>;
  const described = (k: string) => (fields[k] ? { 'aria-invalid': true, 'aria-describedby': `${k}-err` } : { 'aria-invalid': false });
  return (
    <form ref={form} className="stack" onSubmit={(e) => void submit(e)} noValidate aria-label={mode === 'login' ? 'Sign in to Parley' : 'Create a Parley account'}>
      <h2>{mode === 'login' ? 'Sign in to Parley' : 'Create your Parley account'}</h2>
      {mode === 'register' && (
        <label>Your name<input value={name} onChange={(e) => setName(e.target.value)} autoComplete="name" {...described('name')} />{err('name')}</label>
      )}
      <label>Work e-mail<input type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="email" {...described('email')} />{err('email')}</label>
      <label>Password<input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
        {...(mode === 'register' ? { placeholder: 'At least 10 characters' } : {})} {...described('password')} />{err('password')}</label>
      <details open={showBackend} onToggle={(e) => setShowBackend(e.currentTarget.open)}>
        <summary><span>Backend</span> <span className="muted">· {url.trim() || 'not set'}</span></summary>
        <label>Parley backend address<input value={url} onChange={(e) => setUrl(e.target.value)} inputMode="url" {...described('backendUrl')} />{err('backendUrl')}</label>
      </details>
      {error && <p className="error" role="alert">{error}</p>}
      <button className="primary" type="submit" disabled={busy}>{busy ? 'Please wait…' : mode === 'login' ? 'Sign in' : 'Create account'}</button>
      <button type="button" className="link" onClick={() => { setMode(mode === 'login' ? 'register' : 'login'); setError(undefined); setFields({}); }}>
        {mode === 'login' ? 'New to Parley? Create an account' : 'Already have an account? Sign in'}
      </button>
    </form>
  );
}
