-- ATS export: one ATS connection per recruiter (their workspace), the candidates they exported or
-- found already there (the local map from profile URLs to ATS records), and notes/messages to push.
create table ats_connections (
  recruiter_id uuid primary key references recruiters(id) on delete cascade,
  ats text not null check (ats in ('lever', 'greenhouse')),
  credentials_sealed text not null,
  export_only_after_reply boolean not null default false,
  push_messages boolean not null default false,
  status text not null default 'active' check (status in ('active', 'revoked')),
  postings jsonb,
  postings_at timestamptz,
  last_error text,
  last_error_at timestamptz,
  created_at timestamptz not null default now()
);

create table ats_candidates (
  id uuid primary key default gen_random_uuid(),
  recruiter_id uuid not null references recruiters(id) on delete cascade,
  profile_key text not null,
  profile_url text not null,
  first_name text not null,
  last_name text not null,
  data jsonb not null,
  ats text not null check (ats in ('lever', 'greenhouse')),
  posting_id text,
  status text not null check (status in ('pending', 'exported', 'linked', 'failed')),
  ats_id text,
  ats_url text,
  ats_kind text,
  error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (recruiter_id, profile_key)
);
create index ats_candidates_updated on ats_candidates (recruiter_id, updated_at);

create table ats_entries (
  id uuid primary key default gen_random_uuid(),
  candidate_id uuid not null references ats_candidates(id) on delete cascade,
  kind text not null check (kind in ('note', 'message')),
  key text not null,
  body jsonb not null,
  created_at timestamptz not null default now(),
  pushed_at timestamptz,
  push_error text,
  unique (candidate_id, key)
);
