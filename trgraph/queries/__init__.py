"""trgraph.queries."""
