"""trgraph.resolve."""
