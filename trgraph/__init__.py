"""trgraph: a local-first knowledge-graph partner linkage analyser for Trusted Research due diligence."""

__version__ = "0.1.0"
