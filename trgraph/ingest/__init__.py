"""trgraph.ingest."""
