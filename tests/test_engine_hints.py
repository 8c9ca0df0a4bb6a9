"""The INDEXED BY hint the case list needs is rendered by our engines only (store/engine.py)."""

from sqlalchemy import Column, Integer, MetaData, Table, create_engine, select

from xihu_desk.store.engine import make_engine

_T = Table("t", MetaData(), Column("id", Integer, primary_key=True))
_QUERY = select(_T.c.id).with_hint(_T, "INDEXED BY ix_t", "sqlite")


def test_our_engine_renders_the_table_hint():
    sql = str(_QUERY.compile(make_engine("sqlite://")))
    assert "t INDEXED BY ix_t" in sql


def test_other_sqlite_engines_are_left_as_sqlalchemy_made_them():
    # The hint used to be patched into SQLAlchemy's compiler class for every engine in the process.
    make_engine("sqlite://")
    assert "INDEXED BY" not in str(_QUERY.compile(create_engine("sqlite://")))
