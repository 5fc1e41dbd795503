"""Ingest of real-web inputs (issue 9): unread types named, encodings, pages, feeds, archives, PDFs.

Every test writes its own files and, where the claim is about what a user can find,
indexes them with the real `newsfacets index` command or `build_index` and reads
them back through `search.Searcher`.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from index.build import build_index
from index.readers import read_paths
from search import Searcher

NEWSFACETS = [sys.executable, "-m", "newsfacets.cli"]


def run_index(*args: str) -> subprocess.CompletedProcess:
    """`newsfacets index ARGS` in a child process, as a user runs it."""
    return subprocess.run([*NEWSFACETS, "index", *args], capture_output=True, text=True, env=dict(os.environ))


def test_unread_types_are_counted_and_named_in_the_summary(tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "story.txt").write_text("Ceasefire holds in Idlib\n\nThe ceasefire held for a third day.\n")
    (corpus / "report.docx").write_bytes(b"PK\x03\x04 not read")
    (corpus / "sub" / "dump.gz").write_bytes(b"\x1f\x8b")
    (corpus / "sub" / "other.docx").write_bytes(b"PK")
    (corpus / "README").write_text("no extension")
    done = run_index(str(corpus), "--index", str(tmp_path / "ix"), "--workers", "1")
    assert done.returncode == 3, done.stdout + done.stderr
    output = done.stdout + done.stderr
    assert "indexed 1" in output
    assert "ignored 4 files: 2 .docx, 1 (no extension), 1 .gz (types not read)" in output
    assert "skipped 0" not in output


# --- encodings -------------------------------------------------------------------------------

# (codec, headline, body sentence, a body word to search for), one per legacy script.
LEGACY = {
    "arabic": ("cp1256", "الجيش يستعيد مدينة تدمر",
               "قالت الحكومة السورية يوم الاثنين إن الجيش استعاد السيطرة على مدينة تدمر الأثرية بعد معارك عنيفة "
               "استمرت أسابيع في الصحراء.", "الأثرية"),
    "cyrillic": ("cp1251", "Новые удары в Сирии",
                 "Министерство обороны России сообщило в понедельник о новых ударах по позициям боевиков "
                 "в провинции Идлиб на северо-западе страны.", "провинции"),
    "greek": ("iso-8859-7", "Νέα μέτρα για τους πρόσφυγες",
              "Η κυβέρνηση ανακοίνωσε σήμερα νέα μέτρα για την υποδοχή προσφύγων από τη Συρία "
              "στα νησιά του Αιγαίου.", "κυβέρνηση"),
    "japanese": ("shift_jis", "シリアへの人道支援を拡大",
                 "日本政府は月曜日、シリアへの人道支援を拡大すると発表した。 外務省 によると 支援 は 国連 を通じて行われる。",
                 "外務省"),
    "western": ("cp1252", "Café owners in Zürich count the cost",
                "Café owners in Zürich said the “crisis” – not the weather – hurt business in the old town "
                "this winter, the Gewerbeverband reported.", "Gewerbeverband"),
}


def _html_page(title: str, body: str, head: str) -> str:
    return (f"<!DOCTYPE html><html><head>{head}<title>{title}</title></head>"
            f"<body><article><h1>{title}</h1><p>{body}</p></article></body></html>")


def test_legacy_encodings_are_readable_and_searchable_with_and_without_declarations(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, (codec, title, body, _) in LEGACY.items():
        (corpus / f"{name}.txt").write_bytes(f"{title}\n\n{body}\n".encode(codec))
        (corpus / f"{name}-bare.html").write_bytes(_html_page(title, body, "").encode(codec))
        (corpus / f"{name}-meta.html").write_bytes(_html_page(title, body, f'<meta charset="{codec}">').encode(codec))
        equiv = f'<meta http-equiv="Content-Type" content="text/html; charset={codec}">'
        (corpus / f"{name}-equiv.html").write_bytes(_html_page(title, body, equiv).encode(codec))
    report = build_index([corpus], tmp_path / "ix", workers=1)
    assert report.skipped == [] and report.indexed == 4 * len(LEGACY)
    with Searcher(tmp_path / "ix") as searcher:
        for name, (_, title, body, word) in LEGACY.items():
            for variant in ("", "-bare", "-meta", "-equiv"):
                article = searcher.article(f"{name}{variant}" if variant else name)
                assert article["title"] == title, (name, variant, article["title"])
                assert " ".join(article["body"].split()) == body, (name, variant)
            found = {hit.id for hit in searcher.search(word, per_page=20).hits}
            assert {name, f"{name}-bare", f"{name}-meta", f"{name}-equiv"} <= found, (name, found)


def test_declared_charset_beats_detection_and_utf8_beats_a_wrong_declaration(tmp_path):
    """A declaration decides bytes that could be several codecs; bytes that are UTF-8 stay UTF-8."""
    # cp1251 and cp1256 give different letters for the same bytes: only the declaration can tell.
    text = "Москва и Киев"
    page = _html_page(text, text + " обменялись пленными в понедельник.", '<meta charset="windows-1251">')
    (tmp_path / "declared.html").write_bytes(page.encode("cp1251"))
    xml_head = '<?xml version="1.0" encoding="windows-1251"?>'
    (tmp_path / "xmldecl.html").write_bytes((xml_head + page.replace('<meta charset="windows-1251">', "")).encode("cp1251"))
    utf8 = _html_page("Zürich café", "Zürich café owners count the cost of the winter.", '<meta charset="iso-8859-1">')
    (tmp_path / "mislabelled.html").write_bytes(utf8.encode("utf-8"))
    (tmp_path / "bom.html").write_bytes(b"\xef\xbb\xbf" + _html_page("Ελλάδα", "Ελλάδα και Κύπρος.", "").encode("utf-8"))
    found = {a.id: a for a in read_paths([tmp_path])}
    assert found["declared"].title == text and found["xmldecl"].title == text
    assert found["mislabelled"].title == "Zürich café"
    assert found["bom"].body == "Ελλάδα και Κύπρος."
