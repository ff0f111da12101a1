-- Video interviews: a meeting per booking at a provider, and Parley's own join links, different
-- for every participant, each with an optional access code; every join attempt is recorded.
alter table bookings alter column candidate_phone drop not null;
alter table bookings add column created_by text not null default 'candidate' check (created_by in ('candidate', 'recruiter'));

alter table invitations add column video_provider text check (video_provider in ('jitsi', 'google-meet', 'teams', 'zoom'));

create table meetings (
  booking_id uuid primary key references bookings(id) on delete cascade,
  provider text not null check (provider in ('jitsi', 'google-meet', 'teams', 'zoom')),
  status text not null check (status in ('pending', 'ready', 'failed', 'removed')),
  meeting_id text,
  join_url_sealed text,
  data jsonb,
  error_kind text,
  error_message text,
  updated_at timestamptz not null default now()
);

create table join_links (
  id uuid primary key default gen_random_uuid(),
  booking_id uuid not null references bookings(id) on delete cascade,
  role text not null check (role in ('candidate', 'recruiter', 'interviewer')),
  name text not null,
  email text,
  token_hash text not null unique,
  token_sealed text not null,
  access_code_sealed text,
  created_at timestamptz not null default now()
);
create index join_links_booking on join_links (booking_id);

create table join_events (
  id uuid primary key default gen_random_uuid(),
  join_link_id uuid not null references join_links(id) on delete cascade,
  at timestamptz not null default now(),
  ip text,
  user_agent text,
  outcome text not null check (outcome in ('joined', 'wrong-code', 'too-early', 'too-late', 'cancelled', 'not-ready', 'rate-limited'))
);
create index join_events_link on join_events (join_link_id, at);
create index join_events_wrong_ip on join_events (ip, at) where outcome = 'wrong-code';

alter table notifications drop constraint notifications_kind_check;
alter table notifications add constraint notifications_kind_check check (kind in ('booked', 'rescheduled', 'cancelled', 'video-failed'));
