"""Ingest: discover files, guard them, read, recognise, normalise and validate (no warehouse)."""
