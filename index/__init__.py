"""The indexer: files -> parsed articles -> analysed documents -> a Whoosh index."""
