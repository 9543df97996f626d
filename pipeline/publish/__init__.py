"""Publish: what people read, built from the public views (analytics, charts, dashboards, meeting pack, reports, templates)."""
