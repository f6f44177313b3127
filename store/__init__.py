"""SQLite schema, migrations, queries and full-text search: the only code that writes SQL."""
