"""trgraph.risk."""
