"""The manifest's schema field is every area's migration head joined by commas, so it grows with
each area that adds a migration: a bundle must not be refused because that text got long."""

from __future__ import annotations

from tests.test_bundle_hardening import district, rebuild, world  # noqa: F401 - fixtures
from xihu_desk.store import migrate
from xihu_desk.store.case_models import MediationCase


def test_a_long_list_of_migration_heads_is_accepted(world, district, tmp_path):  # noqa: F811
    heads = migrate.head_revision()
    longer = ",".join([heads] + ["0001", "0002", "0003", "0004", "0005", "0006"] * 4)
    assert len(longer) > 64 and migrate.known_revision(longer)
    result = district.import_(rebuild(world, tmp_path, "long-schema", schema=longer))
    assert result.counts["accepted"] > 0
    assert district.count(MediationCase) > 0
