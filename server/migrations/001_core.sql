-- Parley core schema: recruiters, sessions, scheduler settings, the built-in calendar,
-- invitations, bookings, notifications and a durable job queue.
create extension if not exists btree_gist;

create table recruiters (
  id uuid primary key default gen_random_uuid(),
  email text not null unique,
  name text not null,
  password_hash text not null,
  created_at timestamptz not null default now()
);

create table sessions (
  token_hash text primary key,
  recruiter_id uuid not null references recruiters(id) on delete cascade,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index sessions_recruiter on sessions (recruiter_id);

create table scheduler_settings (
  recruiter_id uuid primary key references recruiters(id) on delete cascade,
  settings jsonb not null,
  updated_at timestamptz not null default now()
);

-- Parley's built-in calendar ("local" provider): busy time entered by hand, imported from .ics,
-- or written by bookings.
create table busy_events (
  id uuid primary key default gen_random_uuid(),
  recruiter_id uuid not null references recruiters(id) on delete cascade,
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  summary text not null default '',
  source text not null check (source in ('manual', 'import', 'booking')),
  source_uid text not null default gen_random_uuid()::text,
  created_at timestamptz not null default now(),
  check (ends_at > starts_at),
  unique (recruiter_id, source, source_uid)
);
create index busy_events_range on busy_events (recruiter_id, starts_at, ends_at);

create table invitations (
  id uuid primary key default gen_random_uuid(),
  recruiter_id uuid not null references recruiters(id) on delete cascade,
  recipient_key text not null,
  recipient_name text,
  recipient_profile_url text,
  token_hash text not null unique,
  token_sealed text not null,
  duration_minutes int not null check (duration_minutes between 5 and 480),
  status text not null check (status in ('created', 'opened', 'booked', 'expired', 'revoked')),
  expires_at timestamptz not null,
  created_at timestamptz not null default now(),
  opened_at timestamptz,
  revoked_at timestamptz
);
-- At most one open link per recipient: inserting availability again reuses it.
create unique index invitations_one_open on invitations (recruiter_id, recipient_key)
  where status in ('created', 'opened');

create table bookings (
  id uuid primary key default gen_random_uuid(),
  recruiter_id uuid not null references recruiters(id) on delete cascade,
  invitation_id uuid not null references invitations(id) on delete cascade,
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  status text not null check (status in ('confirmed', 'cancelled')),
  candidate_name text not null,
  candidate_phone text not null,
  candidate_email text,
  candidate_time_zone text not null,
  note text,
  sequence int not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  cancelled_at timestamptz,
  cancelled_by text check (cancelled_by in ('candidate', 'recruiter')),
  check (ends_at > starts_at),
  -- Two confirmed bookings of one recruiter can never overlap, whatever the number of processes.
  constraint bookings_no_overlap exclude using gist (
    recruiter_id with =, tstzrange(starts_at, ends_at) with &&
  ) where (status = 'confirmed')
);
create index bookings_recruiter_start on bookings (recruiter_id, starts_at);
create unique index bookings_one_confirmed_per_invitation on bookings (invitation_id) where status = 'confirmed';

create table notifications (
  id uuid primary key default gen_random_uuid(),
  recruiter_id uuid not null references recruiters(id) on delete cascade,
  booking_id uuid references bookings(id) on delete cascade,
  kind text not null check (kind in ('booked', 'rescheduled', 'cancelled')),
  message text not null,
  created_at timestamptz not null default now(),
  read_at timestamptz
);
create index notifications_recruiter on notifications (recruiter_id, created_at desc);

-- Durable jobs: written in the same transaction as the change that needs them, run after commit,
-- retried with backoff; dedupe_key makes enqueueing idempotent.
create table jobs (
  id uuid primary key default gen_random_uuid(),
  kind text not null,
  payload jsonb not null,
  dedupe_key text unique,
  run_at timestamptz not null default now(),
  attempts int not null default 0,
  locked_until timestamptz,
  last_error text,
  done_at timestamptz,
  created_at timestamptz not null default now()
);
create index jobs_due on jobs (run_at) where done_at is null;
