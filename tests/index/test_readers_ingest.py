"""Ingest of real-web inputs (issue 9): unread types named, encodings, pages, feeds, archives, PDFs.

Every test writes its own files and, where the claim is about what a user can find,
indexes them with the real `newsfacets index` command or `build_index` and reads
them back through `search.Searcher`.
"""
from __future__ import annotations

import importlib.util
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from index.article import Skipped
from index.build import build_index
from index.readers import read_paths
from index.store import open_index
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
                 "日本政府は月曜日、シリアへの人道支援を拡大すると発表した。 "
                 "外務省 によると 支援 は 国連 を通じて行われる。",
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
            found = {hit.id for hit in searcher.search(word, per_page=20, collapse="none").hits}
            assert {name, f"{name}-bare", f"{name}-meta", f"{name}-equiv"} <= found, (name, found)


def test_declared_charset_beats_detection_and_utf8_beats_a_wrong_declaration(tmp_path):
    """A declaration decides bytes that could be several codecs; bytes that are UTF-8 stay UTF-8."""
    # cp1251 and cp1256 give different letters for the same bytes: only the declaration can tell.
    text = "Москва и Киев"
    page = _html_page(text, text + " обменялись пленными в понедельник.", '<meta charset="windows-1251">')
    (tmp_path / "declared.html").write_bytes(page.encode("cp1251"))
    xml_head = '<?xml version="1.0" encoding="windows-1251"?>'
    undeclared = page.replace('<meta charset="windows-1251">', "")
    (tmp_path / "xmldecl.html").write_bytes((xml_head + undeclared).encode("cp1251"))
    utf8 = _html_page("Zürich café", "Zürich café owners count the cost of the winter.",
                      '<meta charset="iso-8859-1">')
    (tmp_path / "mislabelled.html").write_bytes(utf8.encode("utf-8"))
    greek = _html_page("Ελλάδα", "Ελλάδα και Κύπρος.", "")
    (tmp_path / "bom.html").write_bytes(b"\xef\xbb\xbf" + greek.encode("utf-8"))
    found = {a.id: a for a in read_paths([tmp_path])}
    assert found["declared"].title == text and found["xmldecl"].title == text
    assert found["mislabelled"].title == "Zürich café"
    assert found["bom"].body == "Ελλάδα και Κύπρος."


# --- HTML pages: body, metadata, authors, language -------------------------------------------

DEV_PAGES = Path(__file__).parents[1] / "data" / "ingest" / "pages"


def _eval_ingest():
    """scripts/eval_ingest.py as a module (scripts/ is not a package)."""
    script = Path(__file__).parents[2] / "scripts" / "eval_ingest.py"
    spec = importlib.util.spec_from_file_location("eval_ingest", script)
    module = importlib.util.module_from_spec(spec)
    sys.modules["eval_ingest"] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def test_dev_set_body_f1_and_dates_through_the_index_beat_trafilatura_alone():
    evaluation = _eval_ingest()
    scores = evaluation.evaluate(DEV_PAGES)
    totals = evaluation.summary(scores)
    assert totals["pages"] >= 15
    assert totals["ours_f1"] >= 0.96 and totals["ours_f1"] >= totals["trafilatura_f1"], totals
    misdated = [(s.page, s.gold_date, s.ours_date) for s in scores if s.gold_date != s.ours_date]
    assert totals["ours_dated"] == 1.0, misdated
    assert min(s.ours_f1 for s in scores) >= 0.9, [(s.page, round(s.ours_f1, 3)) for s in scores]


@pytest.mark.parametrize(("split", "mean_floor", "page_floor"),
                         [("heldout", 0.96, 0.85), ("fresh", 0.96, 0.85), ("blind", 0.90, 0.72), ("blind2", 0.97, 0.9),
                          ("blind3", 0.98, 0.95)])
def test_held_out_sets_body_f1_through_the_index_beats_trafilatura_alone(split, mean_floor, page_floor):
    """The held-out sets keep their figures (held out 0.997, fresh 0.990 at the shape rules;
    blind 0.916 with its worst page 0.741, measured at 02490d7 before any rule saw it; blind2
    0.920 with its worst page 0.322 and 9 of 10 dated, measured at fcb9a74 before any rule saw
    it, then 1.000 and every page dated after the fixes at 337a5c3; blind3 0.976 with its worst page
    0.918, every page dated, measured at 1a3502c before any rule saw it, then 0.998 with its worst
    page 0.985 after the fixes at f7d797c; floors a little under): a rule that drops story text,
    misdates a page or lets furniture back in fails."""
    evaluation = _eval_ingest()
    scores = evaluation.evaluate(DEV_PAGES.parent / split / "pages")
    totals = evaluation.summary(scores)
    assert totals["ours_f1"] >= mean_floor and totals["ours_f1"] >= totals["trafilatura_f1"], totals
    assert totals["ours_dated"] == 1.0, [(s.page, s.gold_date, s.ours_date) for s in scores]
    assert min(s.ours_f1 for s in scores) >= page_floor, [(s.page, round(s.ours_f1, 3)) for s in scores]


def test_shingle_f1_measures_boilerplate_and_loss():
    evaluation = _eval_ingest()
    gold = "one two three four five six seven eight"
    assert evaluation.body_f1(gold, gold) == 1.0
    assert evaluation.body_f1(gold + " share this story on facebook now", gold) < 0.8
    assert evaluation.body_f1("one two three four", gold) < 0.5
    assert evaluation.body_f1("", gold) == 0.0


def test_authors_language_source_url_and_paragraphs_are_stored(tmp_path):
    meta = json.loads((DEV_PAGES.parent / "gold" / "meta.json").read_text(encoding="utf-8"))
    report = build_index([DEV_PAGES], tmp_path / "ix", workers=1)
    assert report.skipped == []
    ix = open_index(tmp_path / "ix")
    with ix.searcher() as searcher:
        docs = {fields["id"]: fields for fields in searcher.all_stored_fields()}
    for name, gold in meta.items():
        assert docs[name]["author"] == gold["authors"], name
        assert docs[name]["language"] == [gold["language"]], name
    two = docs["02-div-soup-jsonld"]
    assert two["source"] == ["The Harbour Times"] and two["url"] == "https://harbourtimes.example/business/port-strike"
    assert two["title"] == "Port workers strike over pay as talks stall"
    assert two["body"].count("\n\n") == 3  # four paragraphs keep their breaks
    for furniture in ("Advertisement", "Read more", "Most read", "Sign up", "Subscribe"):
        assert furniture not in two["body"]


def test_language_is_detected_when_not_declared(tmp_path):
    (tmp_path / "de.txt").write_text("Hochwasser in Köln\n\nDer Pegel des Rheins hat am Sonntagmorgen die Marke "
                                     "von acht Metern überschritten, die Stadt sperrte mehrere Uferstraßen.\n")
    (tmp_path / "declared.html").write_text(_html_page("Titre", "Un texte assez long pour être un article de presse en "
                                                       "français, mais la page dit qu'elle est en français.", "")
                                            .replace("<html>", '<html lang="fr-CA">'))
    (tmp_path / "short.txt").write_text("Brief\n\nToo short.\n")
    found = {a.id: a for a in read_paths([tmp_path])}
    assert found["de"].language == "de" and found["declared"].language == "fr"
    assert found["short"].language is None  # too little text to say


# --- datelines -------------------------------------------------------------------------------

def test_datelines_give_agency_and_day_and_stay_in_the_body(tmp_path):
    (tmp_path / "reuters.txt").write_text("Strikes hit Idlib\n\nDAMASCUS, Oct 2, 2019 (Reuters) - Air strikes hit "
                                          "the town of Maarat al-Numan on Wednesday, residents said.\n")
    (tmp_path / "ap.md").write_text("# Blast in port\n\nBEIRUT (AP) — A blast shook the port area on Tuesday, "
                                    "officials said.\n")
    (tmp_path / "colon.txt").write_text("Talks in Tehran\n\nTehran, 12 March 2020: Iran and Iraq signed a trade "
                                        "deal on Thursday.\n")
    (tmp_path / "dated.txt").write_text("Other date\n\nPublished: 2019-10-05\n\nDAMASCUS, Oct 2, 2019 (Reuters) - "
                                        "The army said it had advanced.\n")
    (tmp_path / "sentence.txt").write_text("Not a dateline\n\nAsked about it, she said: no comment on the matter.\n")
    found = {a.id: a for a in read_paths([tmp_path])}
    assert (found["reuters"].source, found["reuters"].date) == ("Reuters", "2019-10-02")
    assert found["reuters"].body.startswith("DAMASCUS, Oct 2, 2019 (Reuters) - Air strikes")
    assert (found["ap"].source, found["ap"].date) == ("AP", None)
    assert found["ap"].body.startswith("BEIRUT (AP) —")
    assert (found["colon"].source, found["colon"].date) == (None, "2020-03-12")
    assert found["dated"].date == "2019-10-05"  # a stated date beats the dateline's
    assert (found["sentence"].source, found["sentence"].date) == (None, None)


# --- plain text and Markdown -----------------------------------------------------------------

WRAPPED = """Envoy calls for pause in Aleppo fighting

ALEPPO, March 3, 2016 (Reuters) - Government forces shelled rebel-held
districts of eastern Aleppo on Tuesday, residents said, a day after Staffan de
Mistura, the United Nations envoy, called for a pause in the fighting to let
aid convoys reach the city's well-
known old markets.

The Syrian Observatory for Human Rights said at least twelve people were
killed.

- Convoys wait at the Bab al-Salama crossing.
- Hospitals report shortages.
"""


def test_hard_wrapped_text_is_unwrapped_and_split_names_are_found(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "wire.txt").write_text(WRAPPED)
    (corpus / "poem.txt").write_text("Short lines\n\nRoses are red\nviolets are blue\nsugar is sweet\nand so are you\n")
    build_index([corpus], tmp_path / "ix", workers=1)
    with Searcher(tmp_path / "ix") as searcher:
        body = searcher.article("wire")["body"]
        assert [hit.id for hit in searcher.search('"Staffan de Mistura"', collapse="none").hits] == ["wire"]
        poem = searcher.article("poem")["body"]
    paragraphs = body.split("\n\n")
    assert paragraphs[0].startswith(
        "ALEPPO, March 3, 2016 (Reuters) - Government forces shelled rebel-held districts of")
    assert "city's well-known old markets." in paragraphs[0] and "\n" not in paragraphs[0]
    assert paragraphs[1] == "The Syrian Observatory for Human Rights said at least twelve people were killed."
    assert paragraphs[2].splitlines() == ["- Convoys wait at the Bab al-Salama crossing.",
                                          "- Hospitals report shortages."]
    assert poem == "Roses are red\nviolets are blue\nsugar is sweet\nand so are you"  # short lines are not a wrap


def test_markdown_is_parsed_with_yaml_front_matter(tmp_path):
    (tmp_path / "m.md").write_text(
        "---\ntitle: \"Ceasefire: the text\"\ndate: 2022-06-01\nauthors:\n  - Jane Doe\n  - Ali Omar\n"
        "language: en-GB\nsource: Example Times\n---\n"
        "# A heading that is not the title\n\nThe first paragraph wraps\nacross two lines with a [link](https://x.example).\n\n"
        "> A quoted line.\n\n* item one\n* item two\n\n```\ncode stays\n```\n\n![photo](p.jpg)\n"
    )
    (tmp_path / "bad.md").write_text("---\ntitle: [unclosed\n---\n# Real title\n\nBody text here.\n")
    found = {a.id: a for a in read_paths([tmp_path])}
    article = found["m"]
    assert (article.title, article.date, article.source) == ("Ceasefire: the text", "2022-06-01", "Example Times")
    assert article.authors == ["Jane Doe", "Ali Omar"] and article.language == "en"
    assert article.body.split("\n\n") == [
        "A heading that is not the title", "The first paragraph wraps across two lines with a link.",
        "A quoted line.", "item one", "item two", "code stays"]
    assert found["bad"].title == "Real title" and found["bad"].body == "Body text here."


# --- feeds, web archives, PDFs ---------------------------------------------------------------

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Orontes Herald</title><link>https://orontes.example/</link><language>en-gb</language>
<item><title>Convoy reaches Deir ez-Zor</title><link>https://orontes.example/2017/09/05/convoy</link>
<pubDate>Tue, 05 Sep 2017 10:00:00 +0000</pubDate><dc:creator>Rana Aziz</dc:creator>
<description>Short teaser only.</description>
<content:encoded><![CDATA[
<p>A relief convoy reached the besieged city of Deir ez-Zor on Tuesday, ending a siege of nearly three years.</p>
<p>Residents gathered in the streets as the trucks arrived with flour and medicine.</p>]]></content:encoded></item>
<item><title></title><description></description></item>
<item><title>Summary-only entry about Raqqa</title><link>https://orontes.example/raqqa</link>
<description>Fighters advanced into the old city of Raqqa on Monday, a monitoring group said.</description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Levant Wire</title>
<entry><title>Talks open in Astana</title><link href="https://levant.example/astana"/><updated>2017-01-23T08:00:00Z</updated>
<author><name>Omar Said</name></author>
<content type="html">&lt;p&gt;Talks between the government and rebel groups opened in Astana on Monday.&lt;/p&gt;
</content></entry>
</feed>"""


def test_feeds_give_one_article_per_entry_with_full_content(tmp_path):
    (tmp_path / "herald.rss").write_text(RSS)
    (tmp_path / "wire.atom").write_text(ATOM)
    (tmp_path / "sitemap.xml").write_text('<?xml version="1.0"?><urlset><url><loc>https://x.example/</loc></url></urlset>')
    results = list(read_paths([tmp_path]))
    found = {r.id: r for r in results if not isinstance(r, Skipped)}
    problems = {(Path(s.path).name, s.reason.split(" (")[0]) for s in results if isinstance(s, Skipped)}
    assert problems == {("herald.rss#2", "feed entry has no title or text"),
                        ("sitemap.xml", "not an RSS or Atom feed, or a feed without entries")}
    convoy = found["herald#1"]
    assert convoy.title == "Convoy reaches Deir ez-Zor" and convoy.date == "2017-09-05"
    assert convoy.body == ("A relief convoy reached the besieged city of Deir ez-Zor on Tuesday, ending a siege of "
                           "nearly three years.\n\nResidents gathered in the streets as the trucks arrived with "
                           "flour and medicine.")
    assert (convoy.source, convoy.url, convoy.authors, convoy.language) == (
        "Orontes Herald", "https://orontes.example/2017/09/05/convoy", ["Rana Aziz"], "en")
    assert found["herald#3"].body == "Fighters advanced into the old city of Raqqa on Monday, a monitoring group said."
    astana = found["wire#1"]
    assert (astana.title, astana.date, astana.authors, astana.source) == (
        "Talks open in Astana", "2017-01-23", ["Omar Said"], "Levant Wire")
    assert "opened in Astana on Monday" in astana.body


def _warc(path: Path, pages: list[tuple[str, str, bytes]], extra: bool = True) -> None:
    """A gzipped WARC with one HTML response per (url, date, html bytes), plus a request and an image."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, date, html in pages:
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=windows-1256")],
                                       protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(html),
                                                          http_headers=headers, warc_headers_dict={"WARC-Date": date}))
            if extra:
                request = io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")
                writer.write_record(writer.create_warc_record(url, "request", payload=request,
                                                              warc_content_type="application/http; msgtype=request"))
        if extra:
            image = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record("https://x.example/a.png", "response",
                                                          payload=io.BytesIO(b"\x89PNG"), http_headers=image))


def test_warc_html_responses_are_pages_and_other_records_are_counted(tmp_path):
    # The charset only in the HTTP header:
    arabic = _html_page("الجيش يستعيد تدمر", LEGACY["arabic"][2], "").encode("cp1256")
    dated = _html_page("Dated page", "The council met on Monday and approved the budget for the coming year.",
                       '<meta property="article:published_time" content="2016-03-27">').encode("cp1256")
    (tmp_path / "corpus").mkdir()
    _warc(tmp_path / "corpus" / "crawl.warc.gz", [("https://news.example/palmyra", "2016-03-28T10:00:00Z", arabic),
                                                  ("https://news.example/budget", "2016-04-02T10:00:00Z", dated)])
    report = build_index([tmp_path / "corpus"], tmp_path / "ix", workers=1)
    assert report.indexed == 2
    assert [s.reason for s in report.skipped] == ["skipped 3 records that are not HTML pages: 2 request, 1 image/png"]
    with Searcher(tmp_path / "ix") as searcher:
        palmyra = searcher.article("crawl#1")
        assert palmyra["title"] == "الجيش يستعيد تدمر" and palmyra["url"] == "https://news.example/palmyra"
        assert palmyra["date"] == "2016-03-28"  # the capture day, as the page states none
        assert searcher.article("crawl#2")["date"] == "2016-03-27"  # the page's own date wins
        assert [hit.id for hit in searcher.search(LEGACY["arabic"][3], collapse="none").hits] == ["crawl#1"]


@pytest.mark.parametrize("keep", [lambda n: n * 3 // 4, lambda n: n - 40], ids=["record-missing", "record-cut-short"])
def test_truncated_warc_keeps_the_pages_before_the_damage(tmp_path, keep):
    page = _html_page("Whole page", "This page was archived completely and must still be indexed.", "").encode()
    _warc(tmp_path / "whole.warc.gz", [("https://a.example/1", "2020-01-01T00:00:00Z", page)] * 2, extra=False)
    data = (tmp_path / "whole.warc.gz").read_bytes()
    (tmp_path / "whole.warc.gz").unlink()
    (tmp_path / "cut.warc.gz").write_bytes(data[: keep(len(data))])  # into the second of two equal records
    results = list(read_paths([tmp_path]))
    assert [r.id for r in results if not isinstance(r, Skipped)] == ["cut#1"]
    [problem] = [r for r in results if isinstance(r, Skipped)]
    assert problem.reason.startswith("truncated or corrupt WARC record after 1 pages") and "\n" not in problem.reason


def _pdf(lines: list[str], title: str | None = None) -> bytes:
    """A minimal one-page PDF whose text layer holds `lines` (written by hand, as the format allows)."""
    text = " ".join(f"({line}) Tj 0 -14 Td" for line in lines)
    stream = f"BT /F1 11 Tf 72 720 Td {text} ET".encode("latin-1")
    info = f"<< /Title ({title}) /Author (Hana Costa) /CreationDate (D:20180414093000Z) >>" if title else "<< >>"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        info.encode("latin-1"),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_pdf_text_title_and_date_and_encrypted_pdf_is_skipped(tmp_path):
    import pypdf

    body = ["Western strikes hit three sites in Syria early on Saturday, the",  # a typeset column, 60-odd wide
            "defence ministry said, in response to the suspected chemical", "attack in Douma a week earlier."]
    (tmp_path / "report.pdf").write_bytes(_pdf(body, title="Strikes after Douma"))
    (tmp_path / "untitled.pdf").write_bytes(_pdf(["Ceasefire monitors report", "", *body]))
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(_pdf(body)))
    writer.encrypt("secret")
    with open(tmp_path / "locked.pdf", "wb") as fh:
        writer.write(fh)
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4\n garbage")
    results = list(read_paths([tmp_path]))
    found = {r.id: r for r in results if not isinstance(r, Skipped)}
    problems = {Path(s.path).name: s.reason for s in results if isinstance(s, Skipped)}
    assert problems["locked.pdf"] == "encrypted PDF (needs a password)"
    assert problems["broken.pdf"].startswith("unreadable PDF") and set(problems) == {"locked.pdf", "broken.pdf"}
    report = found["report"]
    assert (report.title, report.date, report.authors) == ("Strikes after Douma", "2018-04-14", ["Hana Costa"])
    assert report.body == ("Western strikes hit three sites in Syria early on Saturday, the defence ministry said, "
                           "in response to the suspected chemical attack in Douma a week earlier.")
    assert found["untitled"].title == "Ceasefire monitors report"


def _pooled(paths: list[Path]) -> list:
    """`read_paths` with units read in two forked processes, as the indexer reads them."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from index.readers import read_unit

    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
        return list(read_paths(paths, lambda unit: pool.submit(read_unit, unit), in_flight=8))


def test_parsing_pool_gives_the_same_articles_in_the_same_order(tmp_path):
    """Page files parsed in pool processes come back as the parent would have read them."""
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    for page in sorted(DEV_PAGES.glob("*.html"))[:6]:
        (corpus / page.name).write_bytes(page.read_bytes())
    (corpus / "sub" / "wire.txt").write_text(WRAPPED)
    (corpus / "feed.rss").write_text(RSS)
    (corpus / "empty.html").write_text("")
    (corpus / "notes.docx").write_bytes(b"PK")
    serial = list(read_paths([corpus]))
    assert _pooled([corpus]) == serial
    assert len([r for r in serial if isinstance(r, Skipped)]) == 3  # empty page, empty feed entry, the .docx


def test_files_of_a_folder_are_handed_out_in_runs_and_record_files_alone(tmp_path):
    """Whole-file formats go to the parsing processes FILES_PER_UNIT files a task, as a web
    archive's pages do, never mixing folders named apart; a record file is a task of its own
    (a big one is cut when read), and the results keep the order of reading one file at a time."""
    from index.readers import FILES_PER_UNIT, Unit, read_unit

    units: list[Unit] = []

    def submit(unit: Unit):
        units.append(unit)
        return _Ready(read_unit(unit))

    first, second = tmp_path / "first", tmp_path / "second"
    for folder, count in ((first, FILES_PER_UNIT + 20), (second, 2)):
        folder.mkdir()
        for number in range(count):
            (folder / f"story-{number:03d}.txt").write_text(
                f"Story {number}\n\nThe council met on Tuesday to vote on the budget for the harbour district.")
    (first / "story-010.jsonl").write_text(json.dumps({"title": "Record", "body": "The port reopened."}) + "\n")
    (first / "story-020.md").write_text("")  # skipped where it stands, inside a run
    pooled = list(read_paths([first, second], submit, in_flight=3))
    assert pooled == list(read_paths([first, second]))
    runs = [(unit.path.parent.name, 1 + len(unit.more)) for unit in units]
    # first: 10 texts, the JSONL alone, then FILES_PER_UNIT files (the empty .md among them), the rest; second: 2.
    assert runs == [("first", 10), ("first", 1), ("first", FILES_PER_UNIT), ("first", 11), ("second", 2)]
    assert [unit.path.name for unit in units if not unit.more] == ["story-010.jsonl"]
    assert [item.reason for item in pooled if isinstance(item, Skipped)] == ["empty file"]


class _Ready:
    """A unit already read, as a pool's future would give it."""

    def __init__(self, items: list) -> None:
        self.items = items

    def result(self) -> list:
        return self.items


def _big_record_files(folder: Path) -> None:
    """One file of each record format, each over SPLIT_BYTES and holding more than one window
    of records, with the bad records and file-level problems each format can have."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    from index.readers import SPLIT_BYTES

    folder.mkdir()
    filler = os.urandom(SPLIT_BYTES // 2 + 1000).hex()  # more than SPLIT_BYTES of text
    with open(folder / "crawl.warc.gz", "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for number in range(1, 151):
            page = _html_page(f"Page {number} of the crawl", f"Story number {number} tells of the council vote "
                              "in the northern district and what the mayor said afterwards.", "").encode()
            html = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(f"https://news.example/{number}", "response",
                                                          payload=io.BytesIO(page), http_headers=html,
                                                          warc_headers_dict={"WARC-Date": "2021-05-04T10:00:00Z"}))
            if number % 50 == 0:
                image = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
                writer.write_record(writer.create_warc_record(f"https://news.example/{number}.png", "response",
                                                              payload=io.BytesIO(os.urandom(SPLIT_BYTES // 2)),
                                                              http_headers=image))
    data = (folder / "crawl.warc.gz").read_bytes()
    (folder / "cut.warc.gz").write_bytes(data[:-300])  # the last record (an image) cut short
    lines = [json.dumps({"title": f"Record {n}", "body": f"Record {n} reports the harvest. {filler[:900]}"})
             for n in range(1, 1401)]
    lines[700] = "{not json"
    (folder / "records.jsonl").write_text("\n".join(lines) + "\n")
    rows = [f"Row {n},Row {n} says the port reopened after the storm. {filler[:900]}" for n in range(1, 1301)]
    (folder / "table.csv").write_text("title,body\n" + "\n".join(rows) + "\n")
    items = "".join(f"<item><title>Entry {n}</title><description>Entry {n} covers the election count "
                    "in the capital and the turnout in the provinces.</description></item>" for n in range(1, 91))
    (folder / "feed.rss").write_text(f"<rss><channel><title>Wire</title><description>{filler}</description>"
                                     f"{items}</channel></rss>")


def test_big_record_files_are_cut_into_windows_that_read_as_the_whole_file(tmp_path):
    """A big WARC, JSONL, CSV or feed is read by several processes, window by window; together
    they give exactly what reading the whole file in one process gives, in the same order,
    bad records and the archive's file-level lines included."""
    from index.readers import Unit, read_unit

    corpus = tmp_path / "corpus"
    _big_record_files(corpus)
    for name in ("crawl.warc.gz", "cut.warc.gz", "records.jsonl", "table.csv", "feed.rss"):
        cut = read_unit(Unit(corpus / name))
        assert sum(isinstance(item, Unit) for item in cut) >= 2, name  # really cut, so the test tests windows
    serial = list(read_paths([corpus]))
    assert _pooled([corpus]) == serial
    skipped = [item.reason for item in serial if isinstance(item, Skipped)]
    assert "skipped 3 records that are not HTML pages: 3 image/png" in skipped  # crawl
    assert "skipped 2 records that are not HTML pages: 2 image/png" in skipped  # cut, whose third is the damage
    assert any(reason.startswith("truncated or corrupt WARC record after 150 pages") for reason in skipped)
    assert any(reason.startswith("invalid JSON") for reason in skipped)
    ids = [item.id for item in serial if not isinstance(item, Skipped)]
    assert len(ids) == 150 + 150 + 1399 + 1300 + 90
    assert ids[:2] == ["crawl#1", "crawl#2"] and ids.index("cut#150") == 299


# --- records: authors and language columns ----------------------------------------

SPANISH = ("Los estibadores dejaron de trabajar el jueves en tres terminales, según los sindicatos, "
           "mientras las negociaciones con la autoridad portuaria siguen estancadas desde hace una semana.")


def test_record_authors_and_language_columns_reach_the_index(tmp_path):
    """Any of the usual column names; a string splits on ';' only ("Rahman, Rima" is one name);
    a language may be a tag, an ISO 639-3 code or an English name; an unknown one is detected."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    rows = [
        {"id": "r1", "title": "Huelga en el puerto", "body": SPANISH, "byline": "By Rahman, Rima; Tomas Ortiz",
         "inLanguage": "spa"},
        {"id": "r2", "title": "Port strike", "body": "Dock workers walked out at three terminals on Thursday, "
         "union officials said, as talks over pay stalled for a second week.", "creators": ["Tomas Ortiz"],
         "lang": "English"},
        {"id": "r3", "title": "Ferry changes", "body": "The island ferry will run twice a day from June, the "
         "operator said, after a review of passenger numbers over the winter.", "Author": "Li Wei",
         "language": "Elvish"},
    ]
    (corpus / "wire.jsonl").write_text("\n".join(json.dumps(row) for row in rows), encoding="utf-8")
    index_dir = tmp_path / "index"
    report = build_index([corpus], index_dir, workers=1)
    assert report.indexed == 3 and report.skipped == []
    with Searcher(index_dir) as searcher:
        spanish = searcher.article("r1")
        assert spanish["authors"] == ["Rahman, Rima", "Tomas Ortiz"] and spanish["language"] == "es"
        assert searcher.article("r2")["authors"] == ["Tomas Ortiz"]
        assert searcher.article("r2")["language"] == "en"
        assert searcher.article("r3")["language"] == "en"  # "Elvish" names no ISO language: detected
        assert {hit.id for hit in searcher.search("", author=["Tomas Ortiz"], collapse="none").hits} == {"r1", "r2"}
        assert [hit.id for hit in searcher.search("", language=["es"], collapse="none").hits] == ["r1"]
