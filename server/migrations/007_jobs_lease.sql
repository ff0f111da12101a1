-- Job leases for several processes: a claimed job is hidden from the others until locked_until, which
-- the claiming process keeps renewing (heartbeat) while the handler runs. A crashed process stops
-- renewing, so another one takes the job over once the short lease has passed.
-- lease_token fences a process whose lease passed to another one: its late "done" or "failed" does
-- not overwrite the new owner's run. locked_by (host:pid) says which process holds, or last ran, a job.
alter table jobs add column lease_token uuid;
alter table jobs add column locked_by text;
