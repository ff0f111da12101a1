-- The recruiter's own view of one interview (/r/:token), linked from the recruiter's notification mail
-- instead of the candidate's booking link. One link per booking, made when the first mail goes out;
-- like every other link token it is stored only hashed (for lookup) and sealed (to write it again
-- into the next mail about the same booking).
create table recruiter_links (
  booking_id uuid primary key references bookings(id) on delete cascade,
  token_hash text not null unique,
  token_sealed text not null,
  created_at timestamptz not null default now()
);
