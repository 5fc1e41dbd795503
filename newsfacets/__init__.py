"""newsfacets: self-hosted full-text search for news, faceted by actor, location and date."""
__version__ = "0.1.0"
