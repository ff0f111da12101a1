-- Rate limits shared by every backend process: one counter per key and fixed window. A hit is one
-- `insert … on conflict do update set count = count + 1 returning count`; windows that ended long
-- ago are deleted now and then by whichever process notices (server/rate-limit.ts).
create table rate_limits (
  key text not null,
  window_start timestamptz not null,
  count int not null default 1,
  primary key (key, window_start)
);
create index rate_limits_window_start on rate_limits (window_start);
