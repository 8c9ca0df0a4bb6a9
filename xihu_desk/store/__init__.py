"""SQLAlchemy storage: models, engine, units of work, migrations, backups, reference data."""
