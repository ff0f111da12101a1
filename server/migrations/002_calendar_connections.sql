-- Connected calendars (Google, Microsoft 365, CalDAV): secrets sealed with AES-256-GCM,
-- which calendars count for conflicts, which one receives new events, and calendar health.
create table calendar_connections (
  id uuid primary key default gen_random_uuid(),
  recruiter_id uuid not null references recruiters(id) on delete cascade,
  provider text not null check (provider in ('google', 'microsoft', 'caldav')),
  account_email text not null,
  server_url text,
  username text,
  -- The refresh token (Google, Microsoft) or the app password (CalDAV); never leaves the backend.
  secret_sealed text not null,
  access_token_sealed text,
  access_expires_at timestamptz,
  scopes text not null default '',
  status text not null default 'active' check (status in ('active', 'needs_reconnect')),
  last_sync_at timestamptz,
  last_error text,
  last_error_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (recruiter_id, provider, account_email)
);

create table connected_calendars (
  id uuid primary key default gen_random_uuid(),
  connection_id uuid not null references calendar_connections(id) on delete cascade,
  recruiter_id uuid not null references recruiters(id) on delete cascade,
  external_id text not null,
  name text not null,
  is_primary boolean not null default false,
  read_only boolean not null default false,
  use_for_conflicts boolean not null default true,
  is_target boolean not null default false,
  unique (connection_id, external_id),
  check (not (is_target and read_only))
);
create unique index connected_calendars_one_target on connected_calendars (recruiter_id) where is_target;

-- Where each booking's event lives, so updates and deletes reach it even if the target changes.
create table calendar_event_links (
  event_key text primary key,
  connected_calendar_id uuid not null references connected_calendars(id) on delete cascade,
  external_id text not null,
  etag text,
  updated_at timestamptz not null default now()
);
