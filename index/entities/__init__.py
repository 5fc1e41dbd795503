"""Entity facets: actors, places (resolved to GeoNames) and their countries, and mentioned dates."""
from index.entities.extractor import EntityExtractor, extract
from index.entities.model import Entities, Mention, Place

__all__ = ["Entities", "EntityExtractor", "Mention", "Place", "extract"]
