"""trgraph.store."""
