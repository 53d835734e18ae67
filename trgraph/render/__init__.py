"""trgraph.render."""
