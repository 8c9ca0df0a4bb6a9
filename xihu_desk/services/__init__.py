"""Use cases. Each takes a session (one unit of work) and plain data, checks permissions,
writes the audit log, and returns plain results, never ORM objects."""
