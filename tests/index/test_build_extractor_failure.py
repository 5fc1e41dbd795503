"""An entity-extractor failure is our defect, not the article's: the article stays searchable, and is named.

Before this, an extractor exception (a compound bearing once raised KeyError) skipped the
article as "could not analyse: 148", so a bug in one rule cost the user the article itself.
"""
from __future__ import annotations

from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.query import Term

from index.article import Article, Skipped
from index.build import BuildReport, _index_article, _Run
from index.cli import summary
from index.entities.extractor import EntityExtractor, default_extractor
from index.schema import index_schema


class _BrokenOnOneTitle(EntityExtractor):
    """The real extractor, failing on one title as a rule with a bug fails on one article (fault injection)."""

    def __init__(self, real: EntityExtractor) -> None:
        self.__dict__.update(real.__dict__)

    def extract(self, title, body, published=None):
        if title == "Broken":
            raise KeyError(148)
        return super().extract(title, body, published)


def _index(tmp_path: Path, articles: list[Article]) -> tuple[list, whoosh_index.Index]:
    ix = whoosh_index.create_in(str(tmp_path), index_schema())
    writer = ix.writer()
    extractor = _BrokenOnOneTitle(default_extractor())
    outcomes = [_index_article(writer, article, extractor) for article in articles]
    writer.commit()
    return outcomes, ix


def test_an_article_the_extractor_fails_on_is_indexed_without_facets(tmp_path):
    outcomes, ix = _index(tmp_path, [
        Article("a1", "Broken", "Shelling hit Aleppo, Syria, the Syrian Observatory for Human Rights said."),
        Article("a2", "Fine", "Shelling hit Aleppo, Syria, the Syrian Observatory for Human Rights said."),
    ])
    broken, fine = outcomes
    assert broken.error is None and broken.unextracted == "KeyError: 148"
    assert fine.error is None and fine.unextracted is None
    with ix.searcher() as searcher:
        found = {searcher.stored_fields(d)["id"]: searcher.stored_fields(d)
                 for d in searcher.search(Term("body", "shell"), limit=None).docs()}
    assert set(found) == {"a1", "a2"}  # both searchable
    assert not found["a1"].get("actor") and not found["a1"].get("location")
    assert found["a1"]["content_hash"] == ""  # so the next --incremental build extracts it again
    assert found["a2"]["content_hash"]
    assert "Syrian Observatory for Human Rights" in found["a2"]["actor"]


def test_the_report_names_it_and_the_build_is_partial(tmp_path):
    outcomes, _ = _index(tmp_path, [Article("a1", "Broken", "Talks resumed in Geneva on Monday.", path="in/a1.txt")])
    report = BuildReport()
    _Run([], {}, report, None, None).record(outcomes)
    assert report.indexed == 1 and not report.skipped
    assert report.without_facets == [Skipped("in/a1.txt", "KeyError: 148")]
    assert report.status == "partial"
    lines = summary(report).splitlines()
    assert "indexed without facets in/a1.txt: the entity extractor failed (KeyError: 148)" in lines[1]
