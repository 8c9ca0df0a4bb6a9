"""The engine's pool hands out the connection returned last (store/engine.py POOL): its page cache
holds what was just read, where the oldest idle one may be cold (an encrypted file's connection
keeps up to 192 MiB of decrypted pages). SQLite file and PostgreSQL alike."""

from __future__ import annotations


def test_the_connection_used_last_is_handed_out_next(db) -> None:
    engine = db.engine
    first, second = engine.raw_connection(), engine.raw_connection()
    older, newer = first.dbapi_connection, second.dbapi_connection
    assert older is not newer
    first.close()  # back to the pool first: the oldest idle one
    second.close()  # back last: the warm one
    again = engine.raw_connection()
    try:
        assert again.dbapi_connection is newer
    finally:
        again.close()
