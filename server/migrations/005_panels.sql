-- Panel interviews: the interviewers a recruiter works with, interview templates, and loops of
-- sessions booked at once. Every interviewer is a person keyed by their e-mail address: the same
-- person can sit on several recruiters' panels and is never booked twice at one time.

create table interviewers (
  id uuid primary key default gen_random_uuid(),
  recruiter_id uuid not null references recruiters(id) on delete cascade,
  email text not null,
  name text not null,
  -- The person's hours, zone, buffers, limits and calendars are those of the Parley account with
  -- this e-mail (made when they connect a calendar or mark their hours); none yet = "pending".
  invite_token_hash text unique,
  invite_token_sealed text,
  invite_expires_at timestamptz,
  invited_at timestamptz,
  created_at timestamptz not null default now(),
  unique (recruiter_id, email)
);
create index interviewers_email on interviewers (email);

create table interview_templates (
  id uuid primary key default gen_random_uuid(),
  recruiter_id uuid not null references recruiters(id) on delete cascade,
  name text not null,
  -- {shape, order, gapMinutes, video, message, sessions: [{name, durationMinutes, interviewers: [id], pool: [id]}]}
  definition jsonb not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (recruiter_id, name)
);

-- A link shared with a template books the panel it had when shared (a frozen copy, so editing
-- the template later does not change what a candidate already holds).
alter table invitations add column template_id uuid references interview_templates(id) on delete set null;
alter table invitations add column panel jsonb;

-- A loop is one booking (first session's start to last session's end); the recruiter who shared
-- it does not sit in it unless listed, so the recruiter's own no-overlap rule is for one-to-ones.
alter table bookings add column is_panel boolean not null default false;
alter table bookings drop constraint bookings_no_overlap;
alter table bookings add constraint bookings_no_overlap exclude using gist (
  recruiter_id with =, tstzrange(starts_at, ends_at) with &&
) where (status = 'confirmed' and not is_panel);

create table booking_sessions (
  booking_id uuid not null references bookings(id) on delete cascade,
  position int not null,
  name text not null,
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  primary key (booking_id, position),
  check (ends_at > starts_at)
);

-- Who sits in which session. Two active rows of one person can never overlap, whatever the
-- number of backend processes or recruiters involved.
create table panel_participants (
  id uuid primary key default gen_random_uuid(),
  booking_id uuid not null references bookings(id) on delete cascade,
  session_position int not null,
  interviewer_id uuid references interviewers(id) on delete set null,
  email text not null,
  name text not null,
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  active boolean not null default true,
  created_at timestamptz not null default now(),
  check (ends_at > starts_at),
  constraint panel_participants_no_overlap exclude using gist (
    email with =, tstzrange(starts_at, ends_at) with &&
  ) where (active)
);
create index panel_participants_booking on panel_participants (booking_id);
create index panel_participants_email on panel_participants (email, starts_at) where active;

alter table notifications drop constraint notifications_kind_check;
alter table notifications add constraint notifications_kind_check
  check (kind in ('booked', 'rescheduled', 'cancelled', 'video-failed', 'interviewer-ready', 'interviewer-replaced'));

-- A loop can be longer than one interview (12 hours at most).
alter table invitations drop constraint invitations_duration_minutes_check;
alter table invitations add constraint invitations_duration_minutes_check check (duration_minutes between 5 and 720);
