"""Stories read by the indexing workers (`StoryReader` in each worker) are the stories read from the stored text.

The workers read each article for clustering as they index it, so the publishing process no
longer re-reads every stored body serially; these tests hold the two paths to one result, for a
full build and an incremental one, so the shortcut can never change a story.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np

from index.build import build_index
from index.store import current_generation
from index.stories import Sidecar, cluster, read_articles, write_stories


def _same(a: Sidecar, b: Sidecar) -> None:
    assert [m.id for m in a.members] == [m.id for m in b.members]
    assert a.members == b.members  # stories, term profiles, figures, openings, entities
    assert np.array_equal(a.signatures, b.signatures)
    assert a.df == b.df and a.documents == b.documents


def _loaded(generation: Path) -> Sidecar:
    sidecar = Sidecar.load(generation)
    assert sidecar is not None
    return sidecar


def test_a_full_build_clusters_as_the_stored_text_does(examples_dir, tmp_path):
    report = build_index([examples_dir], tmp_path / "index", workers=2)
    assert report.status == "ok"
    generation = current_generation(tmp_path / "index")
    built = _loaded(generation)
    assert len(built.members) == report.indexed
    _same(built, cluster(article for _, article in read_articles(generation)))


def _write(folder: Path, articles: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in articles.items():
        (folder / name).write_text(text, encoding="utf-8")


def test_an_incremental_build_clusters_as_the_stored_text_does(tmp_path):
    corpus = tmp_path / "corpus"
    wire = ("BEIRUT, May 3 - Air strikes hit the market town of Kafr Halab on Tuesday, killing 14 people, "
            "the Syrian Observatory for Human Rights said. Rescue workers searched the rubble for hours.")
    _write(corpus, {
        "2016-05-03-wire.txt": "Strikes hit Kafr Halab market\n\n" + wire,
        "2016-05-03-copy.txt": "Strikes hit Kafr Halab market\n\n" + wire + " More to follow.",
        "2016-05-09-talks.txt": "Talks resume in Geneva\n\nGENEVA, May 9 - Envoys met again on Monday to "
                                "discuss a truce for Aleppo province, a UN spokesman said.",
    })
    build_index([corpus], tmp_path / "index", workers=2)
    before = current_generation(tmp_path / "index")
    kept = tmp_path / "before"
    shutil.copytree(before, kept)  # the generation the incremental build starts from
    _write(corpus, {
        "2016-05-04-rewrite.txt": "Toll rises in Kafr Halab\n\nThe toll from Tuesday's air strikes on the market "
                                  "of Kafr Halab rose to 20, the Syrian Observatory for Human Rights said.",
        "2016-05-09-talks.txt": "Talks stall in Geneva\n\nGENEVA, May 9 - Envoys failed to agree on a truce "
                                "for Aleppo province on Monday, a UN spokesman said, and will meet in June.",
    })
    report = build_index([corpus], tmp_path / "index", incremental=True, workers=2)
    assert report.indexed == 2 and report.unchanged == 2  # the rewrite is new, the talks changed
    after = current_generation(tmp_path / "index")
    reread = tmp_path / "reread"
    shutil.copytree(after, reread)
    _same(_loaded(after), write_stories(reread, incremental_from=kept))  # no readings: from the stored text
