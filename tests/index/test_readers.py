"""Readers: every format, every failure mode, and the real seed / FA-KES corpora."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.article import Article, Skipped
from index.readers import MAX_BODY_CHARS, iter_reuters_sgml, parse_date, read_file, read_paths
from index.readers._base import FEW_BAD_UTF8_BYTES, MIN_STORY_WORDS


def articles(results) -> list[Article]:
    return [r for r in results if isinstance(r, Article)]


def skipped(results) -> list[Skipped]:
    return [r for r in results if isinstance(r, Skipped)]


def read_one(path: Path) -> Article | Skipped:
    results = list(read_paths([path]))
    assert len(results) == 1, results
    return results[0]


# --- dates -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("date 2020-01-15 advertisement", "2020-01-15"),
    ("2021-03-03T10:15:00Z", "2021-03-03"),
    ("Published: March 3, 2021", "2021-03-03"),
    ("Sept. 21st, 2020", "2020-09-21"),
    ("3 March 2021", "2021-03-03"),
    ("4/5/2017", "2017-04-05"),          # FA-KES: month first
    ("25/12/2019", "2019-12-25"),        # first number > 12 must be the day
    ("Tue, 03 Mar 2021 10:00:00 +0000", "2021-03-03"),
    ("26-FEB-1987 15:01:01.79", "1987-02-26"),
    (" 5-MAR-1987 09:38:33.50", "1987-03-05"),
    ("2021-02-30", None),                # impossible date
    ("order 12345 cost 3/4", None),
    ("", None),
])
def test_parse_date(text, expected):
    assert parse_date(text) == expected


# --- plain text and markdown -----------------------------------------------------------------

def test_txt_header_lines_become_metadata_and_footer_is_dropped(tmp_path):
    (tmp_path / "story.txt").write_text(
        "- Example Wire - https://wire.example.org -\n\n"
        "Published: March 3, 2021\n\n"
        "Floods close the river port\n"
        "By Jane Doe\n\n"
        "The river port closed on Tuesday after floods.\n\n"
        "advertisement\n\n"
        "Officials said it would reopen next week.\n\n"
        "Share this\n\n"
        "Related:\n"
        "Other story one\n"
        "Other story two\n",
        encoding="utf-8",
    )
    article = read_one(tmp_path)
    assert article.id == "story"
    assert article.title == "Floods close the river port"
    assert article.date == "2021-03-03"
    assert article.source == "Example Wire"
    assert article.url == "https://wire.example.org"
    assert article.body == ("The river port closed on Tuesday after floods.\n\n"
                            "Officials said it would reopen next week.")
    assert article.path == str(tmp_path / "story.txt")


def test_txt_lead_paragraph_is_kept_in_body_when_used_as_title(tmp_path):
    lead = ("Government forces shelled the northern town on Monday, killing at least four civilians "
            "and wounding dozens more, a monitoring group said.")
    (tmp_path / "a.txt").write_text(f" date 2019-07-08 advertisement\n\n{lead}\n\nSecond paragraph.\n")
    article = read_one(tmp_path / "a.txt")
    assert article.date == "2019-07-08"
    assert article.title == lead
    assert article.body.startswith(lead)


def test_txt_one_long_line_is_body_with_first_sentence_as_title(tmp_path):
    """A story scraped without line breaks: the line is the body, not a lost headline."""
    first = "Rebels and the army agreed a ceasefire around the old citadel on Sunday night."
    filler = " ".join(["The talks went on for hours and nobody left the room."] * 60_000)  # ~3.2 MB
    (tmp_path / "flat.txt").write_text(f"{first} {filler}", encoding="utf-8")
    (tmp_path / "ramble.txt").write_text(" ".join(["word"] * 400), encoding="utf-8")
    found = {a.id: a for a in articles(read_paths([tmp_path]))}
    flat = found["flat"]
    assert flat.title == first
    assert flat.body.startswith(first) and len(flat.body) == MAX_BODY_CHARS
    ramble = found["ramble"]  # no sentence end: cut at a word, marked as cut
    assert len(ramble.title) <= 301 and ramble.title.endswith("word…")
    assert ramble.body == " ".join(["word"] * 400)


def test_title_only_input_short_is_skipped_long_is_kept(tmp_path):
    """Fewer than MIN_STORY_WORDS words alone is a bare headline; more is a story."""
    long_line = " ".join(f"w{i}" for i in range(MIN_STORY_WORDS))
    (tmp_path / "headline.txt").write_text("Ceasefire agreed around the old citadel\n\nShare this\n")
    (tmp_path / "words.md").write_text(f"# {long_line}\n")
    (tmp_path / "rows.jsonl").write_text(
        json.dumps({"title": " ".join(["short"] * (MIN_STORY_WORDS - 1))}) + "\n"
        + json.dumps({"title": long_line}) + "\n")
    results = list(read_paths([tmp_path]))
    assert {(Path(s.path).name, s.reason) for s in skipped(results)} == {
        ("headline.txt", "no body text"), ("rows.jsonl:1", "no body text")}
    found = {a.id: a for a in articles(results)}
    assert set(found) == {"words", "rows#2"}
    assert all((a.title, a.body) == (long_line, long_line) for a in found.values())


def test_txt_check_also_block_and_caption_removed(tmp_path):
    (tmp_path / "b.txt").write_text(
        "Headline here\n\nA photo taken on May 1 shows smoke. / AFP / Some PHOTOGRAPHER\n"
        "Powered by automated translation\n\nReal text of the story.\n\n"
        "Check Also\n\nAnother Headline\n\nTeaser text of another story …"
    )
    article = read_one(tmp_path / "b.txt")
    assert article.body == "Real text of the story."


def test_txt_breadcrumb_byline_inline_promo_and_copyright(tmp_path):
    (tmp_path / "c.txt").write_text(
        "Home | World | Middle East\n\nSyria talks collapse as envoy quits\n"
        "By Jane Doe and John Roe, Reuters\nUpdated 10:45 AM ET, Tue March 3, 2021\n\n"
        "GENEVA (Reuters) - The UN envoy resigned on Tuesday.\n\nRead more: Why the talks failed\n\n"
        "He said he had done his best.\n\nTags: Syria, Geneva, UN\n\n"
        "Copyright 2021 Reuters. All rights reserved.\n"
    )
    article = read_one(tmp_path / "c.txt")
    assert article.title == "Syria talks collapse as envoy quits"
    assert article.date == "2021-03-03"
    assert article.body == ("GENEVA (Reuters) - The UN envoy resigned on Tuesday.\n\n"
                            "He said he had done his best.")


@pytest.mark.parametrize("header, date, source", [
    ("Example Herald | 18 July 2012", "2012-07-18", "Example Herald"),
    ("Example Monitor - 17/10/2017\nBy Some Reporter", "2017-10-17", "Example Monitor"),
    ("Northern Courier\nOctober 7, 2014", "2014-10-07", "Northern Courier"),
    ("Published 2017-04-07 | World | 4 min read", "2017-04-07", None),
])
def test_txt_outlet_and_date_lines_under_headline(tmp_path, header, date, source):
    (tmp_path / "e.txt").write_text(f"A headline\n\n{header}\n\nFirst paragraph.\n\n"
                                    "*Share this story* | Back to top\n")
    article = read_one(tmp_path / "e.txt")
    assert (article.title, article.date, article.source) == ("A headline", date, source)
    assert article.body == "First paragraph."


def test_txt_headline_with_separators_is_not_a_breadcrumb(tmp_path):
    (tmp_path / "d.txt").write_text("Iran | Syria | Israel: the long shadow war\n\nBody.\n")
    assert read_one(tmp_path / "d.txt").title == "Iran | Syria | Israel: the long shadow war"


def test_markdown_front_matter_and_heading(tmp_path):
    (tmp_path / "m.md").write_text(
        "---\ntitle: Front title\ndate: 2022-06-01\nsource: Example Times\n---\n"
        "# Ignored heading\n\nSome [linked](https://x.example) text.\n"
    )
    article = read_one(tmp_path / "m.md")
    assert (article.title, article.date, article.source) == ("Front title", "2022-06-01", "Example Times")
    assert "Some linked text." in article.body
    assert "https://" not in article.body


def test_markdown_emphasis_and_code_become_plain_words(tmp_path):
    (tmp_path / "e.md").write_text(
        "# Strikes near **Damascus**\n\nShelling hit __eastern__ Ghouta, *monitors* said; the `SOHR` count rose.\n"
        "Prices rose 5 * 3 percent in a_snake_case file.\n"
    )
    article = read_one(tmp_path / "e.md")
    assert article.title == "Strikes near Damascus"
    assert "Shelling hit eastern Ghouta, monitors said; the SOHR count rose." in article.body
    assert "5 * 3 percent in a_snake_case file" in article.body


# --- HTML ------------------------------------------------------------------------------------

HTML_PAGE = """<!doctype html><html><head>
<title>Talks resume in Geneva | Example News</title>
<meta property="og:site_name" content="Example News">
<meta property="article:published_time" content="2021-03-03T08:00:00Z">
<link rel="canonical" href="https://news.example/talks">
<script>var ad = "script text";</script><style>.x{color:red}</style>
</head><body>
<nav><a href="/">Home</a> <a href="/world">World news menu</a></nav>
<article><h1>Talks resume in Geneva</h1>
<p>Delegates met on Wednesday &amp; agreed an agenda.</p>
<aside>Sidebar promo text</aside>
<p>The next round starts in April.</p></article>
<footer>Copyright footer text</footer>
</body></html>"""


def test_html_metadata_and_text(tmp_path):
    (tmp_path / "page.html").write_text(HTML_PAGE)
    article = read_one(tmp_path / "page.html")
    assert article.title == "Talks resume in Geneva"
    assert article.date == "2021-03-03"
    assert article.source == "Example News"
    assert article.url == "https://news.example/talks"
    assert article.body == "Delegates met on Wednesday & agreed an agenda.\n\nThe next round starts in April."


def test_html_fallbacks_title_tag_and_time_element(tmp_path):
    (tmp_path / "p.htm").write_text(
        "<html><head><title>Plain title - Site</title><meta name='date' content='2020-02-02'></head>"
        "<body><p>Posted <time datetime='2019-01-09'>Jan 9</time></p><div>Body words here.</div>"
        "<footer>foot</footer></body></html>"
    )
    article = read_one(tmp_path / "p.htm")
    assert article.title == "Plain title - Site"
    assert article.date == "2019-01-09"
    assert "Body words here." in article.body and "foot" not in article.body


def test_html_microdata_author_is_the_whole_element_and_svg_titles_are_not_the_page_title(tmp_path):
    """The page is read from one lxml tree: a microdata author is all the text of the outermost
    `itemprop=author` element, nested markup included (an element-by-element reader that closed it
    at the first inner `</span>` kept only the first name); an icon's `<svg><title>` is not the
    page's title."""
    (tmp_path / "p.html").write_text(
        "<html><head></head><body><svg><title>Search icon</title></svg><title>Harbour vote - Site</title>"
        "<article>"
        "<p>By <span itemprop='author'><span class='given'>Ines</span> <b>Okonjo-Ferreira</b></span></p>"
        "<p>The council voted on the harbour plan on Tuesday after a long debate about the budget.</p>"
        "</article></body></html>")
    article = read_one(tmp_path / "p.html")
    assert article.authors == ["Ines Okonjo-Ferreira"]
    assert article.title == "Harbour vote - Site"
    assert article.body.endswith("after a long debate about the budget.")


@pytest.mark.parametrize(("byline", "names"), [
    ("By Tomas Lindqvist, Nordic correspondent", ["Tomas Lindqvist"]),
    ("Priya Raman and Kofi Mensah; senior economics editors", ["Priya Raman", "Kofi Mensah"]),
    ("Staff Writer", []),
    ("Par Claire Fontaine, envoyée spéciale à Dakar", ["Claire Fontaine"]),
    ("Von Jonas Albrecht, Korrespondent in Wien", ["Jonas Albrecht"]),
    ("Por Lucía Paredes, corresponsal", ["Lucía Paredes"]),
    ("Yusuf Demir, Ankara bureau chief", ["Yusuf Demir"]),
])
def test_a_job_title_in_a_byline_is_not_an_author(byline, names):
    """Newsroom roles in any of the byline languages we read, wherever they stand in the byline."""
    from index.readers.text import split_authors

    assert split_authors([byline]) == names


@pytest.mark.parametrize("meta_line", [
    "Posted on 14 February 2023 by Marisol Ortega in Culture",
    "Published March 2, 2019 by Dmitri Volkov",
    "Posted on 2022-11-05 by @harbourwatch",
])
def test_a_post_meta_line_above_the_story_names_its_author(tmp_path, meta_line):
    """A blog's "Posted on DATE by NAME in CATEGORY" line gives the date and the author, also when
    the extractor leaves the line out of the body (it is looked for above the story's first paragraph)."""
    name = meta_line.split(" by ", 1)[1].split(" in ")[0]
    story = ("<p>The old mill by the river reopened on Saturday as a community kitchen, run by volunteers who "
             "spent two winters repairing its roof and ovens.</p><p>Neighbours queued from early morning, and by "
             "noon the first loaves were gone, the organisers said.</p>")
    (tmp_path / "post.html").write_text(
        f"<html><head><title>The mill reopens</title></head><body><div class='post'><h1>The mill reopens</h1>"
        f"<div class='post-meta'>{meta_line}</div>{story}</div></body></html>")
    (tmp_path / "post.txt").write_text(f"The mill reopens\n\n{meta_line}\n\n" + story.replace("<p>", "")
                                       .replace("</p>", "\n\n"))
    for page in ("post.html", "post.txt"):
        article = read_one(tmp_path / page)
        assert article.authors == [name], page
        assert meta_line not in article.body


# --- JSON, JSONL, CSV ------------------------------------------------------------------------

def test_json_object_and_list(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "one.json").write_text(json.dumps(
        {"id": "x-1", "headline": "H", "content": "Body", "published": "2020-05-06",
         "publisher": "P", "link": "https://e.example/1", "gold_places": "syria; iraq"}))
    (folder / "many.json").write_text(json.dumps(
        [{"title": "A", "text": "Body A"}, {"title": "No body"}, "not an object"]))
    results = list(read_paths([folder]))
    found = {a.id: a for a in articles(results)}
    assert set(found) == {"many#1", "x-1"}
    one = found["x-1"]
    assert (one.title, one.body, one.date, one.source, one.url) == (
        "H", "Body", "2020-05-06", "P", "https://e.example/1")
    assert one.gold == {"places": ["syria", "iraq"]}
    assert {(s.path, s.reason) for s in skipped(results)} == {
        (f"{folder / 'many.json'}#2", "no body text"),
        (f"{folder / 'many.json'}#3", "not a JSON object"),
    }


def test_json_invalid_is_one_skip(tmp_path):
    (tmp_path / "bad.json").write_text('{"title": "x", ')
    result = read_one(tmp_path / "bad.json")
    assert isinstance(result, Skipped) and result.reason.startswith("invalid JSON")
    assert "\n" not in result.reason


def test_jsonl_bad_line_skipped_rest_read(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_text(
        json.dumps({"title": "First", "body": "one"}) + "\n"
        "{not json\n"
        "\n"
        + json.dumps({"doc_id": 77, "title": "Third", "body": "three", "gold_orgs": ["un"]}) + "\n"
    )
    results = list(read_paths([tmp_path]))
    assert [a.id for a in articles(results)] == ["feed#1", "77"]
    assert articles(results)[1].gold == {"orgs": ["un"]}
    bad = skipped(results)
    assert len(bad) == 1 and bad[0].path == f"{path}:2" and bad[0].reason.startswith("invalid JSON")


def test_ndjson_with_one_5mb_line(tmp_path):
    body = "word " * 1_000_000
    (tmp_path / "big.ndjson").write_text(json.dumps({"id": "big", "title": "T", "body": body}) + "\n")
    article = read_one(tmp_path / "big.ndjson")
    assert article.id == "big" and article.body == body[:MAX_BODY_CHARS]


def test_csv_embedded_newlines_missing_columns_and_unknown_columns(tmp_path):
    (tmp_path / "news.csv").write_text(
        "Unit_ID,Article_Title,Article_Content,Date,location,gold_places\n"
        '11,"Title, with comma","Line one\nLine two",3/4/2021,Aleppo,syria;turkey\n'
        "12,Short row\n"
        ",No id,Body three,,Idlib,\n",
        encoding="utf-8",
    )
    results = list(read_paths([tmp_path]))
    found = articles(results)
    assert [a.id for a in found] == ["11", "news#3"]
    assert found[0].title == "Title, with comma"
    assert found[0].body == "Line one\nLine two"
    assert found[0].date == "2021-03-04"
    assert found[0].gold == {"places": ["syria", "turkey"]}
    assert "Aleppo" not in (found[0].source or "") + found[0].body
    assert found[1].date is None and found[1].gold == {"places": []}
    assert [(s.path, s.reason) for s in skipped(results)] == [(f"{tmp_path / 'news.csv'}#2", "no body text")]


def test_csv_without_body_column(tmp_path):
    (tmp_path / "x.csv").write_text("name,value\na,b\n")
    result = read_one(tmp_path / "x.csv")
    assert isinstance(result, Skipped) and "no body column" in result.reason


def test_csv_semicolon_delimited(tmp_path):
    (tmp_path / "s.csv").write_text("title;text\nT;Body, with comma\n")
    article = read_one(tmp_path / "s.csv")
    assert (article.title, article.body) == ("T", "Body, with comma")


# --- encodings and bad files -----------------------------------------------------------------

def test_latin1_and_cp1252_and_bom(tmp_path):
    (tmp_path / "latin.txt").write_bytes("Caf\xe9 news\n\nAl-Ma\xefdah \xb1 \x81x".encode("latin-1"))
    (tmp_path / "win.txt").write_bytes("Quote test\n\n\u201cquoted\u201d \u2013 text".encode("cp1252"))
    (tmp_path / "bom.txt").write_bytes("\ufeffBOM title\n\nbody \u00e9".encode("utf-8"))
    (tmp_path / "l.csv").write_bytes("title,body\nCaf\xe9,b\xe9b\xe9\n".encode("latin-1"))
    found = {a.id: a for a in articles(read_paths([tmp_path]))}
    assert found["latin"].title == "Café news" and "Al-Maïdah ± \x81x" == found["latin"].body
    assert found["win"].body == "\u201cquoted\u201d \u2013 text"
    assert found["bom"].title == "BOM title"
    assert found["l#1"].title == "Café" and found["l#1"].body == "bébé"


def test_utf8_with_a_few_bad_bytes_stays_utf8(tmp_path):
    """One bad byte must not turn "café" into "cafÃ©" everywhere else in the file."""
    good = "Naïve café owners\n\nThe café in Zürich reopened. ".encode()
    (tmp_path / "tail.txt").write_bytes(good + b"\xff\xfe broken tail")
    (tmp_path / "quote.txt").write_bytes(good + b"He said \x93no\x94.")  # pasted cp1252 quotes
    # Many valid characters tolerate more bad bytes: 1 per 100 (here 200 valid, 2 bad).
    (tmp_path / "long.csv").write_bytes(("title,body\nÉté," + "é" * 200).encode("utf-8") + b"\xe9\xe9\n")
    found = {a.id: a for a in articles(read_paths([tmp_path]))}
    assert found["tail"].title == "Naïve café owners"
    assert found["tail"].body == "The café in Zürich reopened. \ufffd\ufffd broken tail"
    assert found["quote"].body == "The café in Zürich reopened. He said \ufffdno\ufffd."
    assert found["long#1"].title == "Été" and found["long#1"].body == "é" * 200 + "\ufffd\ufffd"


def test_mostly_invalid_utf8_is_legacy_text(tmp_path):
    """Bad bytes beyond the allowance, or with no valid UTF-8 at all, mean cp1252/latin-1."""
    bad = FEW_BAD_UTF8_BYTES + 1
    (tmp_path / "many.txt").write_bytes("Titre\n\nDéjà ".encode() + "é".encode("latin-1") * bad)
    (tmp_path / "legacy.jsonl").write_bytes('{"title": "Caf\xe9", "body": "Cr\xe8me br\xfbl\xe9e"}\n'.encode("cp1252"))
    found = {a.id: a for a in articles(read_paths([tmp_path]))}
    assert found["many"].body == "DÃ©jÃ\xa0 " + "é" * bad  # the file's majority decides
    assert (found["legacy#1"].title, found["legacy#1"].body) == ("Café", "Crème brûlée")


def test_utf16_with_bom(tmp_path):
    (tmp_path / "u.txt").write_bytes("Wide title\n\nWide body".encode("utf-16"))
    article = read_one(tmp_path / "u.txt")
    assert (article.title, article.body) == ("Wide title", "Wide body")


def test_binary_empty_and_unsupported(tmp_path):
    (tmp_path / "image.txt").write_bytes(bytes(range(256)) * 40)
    (tmp_path / "empty.md").write_text("")
    (tmp_path / "blank.csv").write_text("  \n\t\n")
    (tmp_path / "notes.xyz").write_text("ignored in folders")
    results = list(read_paths([tmp_path]))
    assert {(Path(s.path).name, s.reason) for s in results} == {
        ("blank.csv", "empty file"), ("empty.md", "empty file"), ("image.txt", "binary file"),
        (tmp_path.name, "ignored 1 file: 1 .xyz (types not read)")}
    explicit = read_one(tmp_path / "notes.xyz")
    assert explicit == Skipped(str(tmp_path / "notes.xyz"), "unsupported file type .xyz")


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode),
                      st.sampled_from([b"%PDF-1.4\n", b"<?xml version='1.0'?><rss><channel><item>", b"WARC/1.0\r\n"])
                      .flatmap(lambda head: st.binary(max_size=200).map(lambda tail: head + tail))),
       suffix=st.sampled_from([".txt", ".md", ".html", ".json", ".jsonl", ".csv", ".rss", ".xml", ".warc",
                               ".warc.gz", ".pdf"]))
def test_any_bytes_give_articles_or_one_line_skips(tmp_path, data, suffix):
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    for result in read_paths([path]):
        if isinstance(result, Skipped):
            assert result.reason and "\n" not in result.reason
        else:
            assert result.body.strip() and "\n" not in result.title


def test_missing_path(tmp_path):
    result = read_one(tmp_path / "nope.txt")
    assert isinstance(result, Skipped) and result.reason == "no such file or folder"


def test_fifo_is_not_opened(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    assert list(read_paths([fifo])) == [Skipped(str(fifo), "not a regular file")]
    assert list(read_paths([tmp_path])) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read files without permission")
def test_unreadable_file(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text("Title\n\nBody")
    path.chmod(0)
    try:
        assert list(read_paths([tmp_path])) == [Skipped(str(path), "permission denied")]
    finally:
        path.chmod(0o600)


def test_symlink_loop_terminates_and_duplicates_read_once(tmp_path):
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    (sub / "story.txt").write_text("Title\n\nBody")
    (sub / "loop").symlink_to(tmp_path / "a", target_is_directory=True)
    (tmp_path / "self").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    results = list(read_paths([tmp_path, tmp_path / "a"]))
    assert [a.id for a in articles(results)] == ["a/b/story"]
    assert [(Path(s.path).name, s.reason) for s in skipped(results)] == [("dangling.txt", "broken symbolic link")]


def test_huge_article_is_truncated_not_refused(tmp_path):
    path = tmp_path / "huge.txt"
    with open(path, "w") as fh:
        fh.write("Huge title\n\n")
        line = ("lorem ipsum dolor sit amet " * 40 + "\n")
        for _ in range(50 * 2**20 // len(line)):
            fh.write(line)
    article = read_one(path)
    assert article.title == "Huge title"
    assert len(article.body) == MAX_BODY_CHARS


def test_json_over_size_limit_is_refused(tmp_path, monkeypatch):
    import index.readers.records as records
    monkeypatch.setattr(records, "MAX_JSON_BYTES", 100)
    (tmp_path / "big.json").write_text(json.dumps({"title": "t", "body": "x" * 200}))
    result = read_one(tmp_path / "big.json")
    assert isinstance(result, Skipped) and "too large" in result.reason


def test_read_file_relative_id_and_deterministic_order(tmp_path):
    (tmp_path / "z.txt").write_text("Z\n\nz body")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.md").write_text("A\n\na body")
    assert [a.id for a in read_paths([tmp_path])] == ["sub/a", "z"]
    assert [a.id for a in read_file(tmp_path / "sub" / "a.md", root=tmp_path)] == ["sub/a"]
    assert [a.id for a in read_file(tmp_path / "sub" / "a.md")] == ["a"]


def test_reuters_sgml_parser(tmp_path):
    path = tmp_path / "mini.sgm"
    path.write_bytes(
        b'<REUTERS NEWID="7"><DATE> 5-MAR-1987 09:38:33.50</DATE><PLACES><D>usa</D><D>uk</D></PLACES>'
        b"<PEOPLE><D>reagan</D></PEOPLE><ORGS></ORGS><TEXT>&#2;<TITLE>A &amp; B &lt;CORP&gt;</TITLE>"
        b"<DATELINE>    NEW YORK, March 5 - </DATELINE><BODY>Caf\xe9 prices rose.\n Reuter\n&#3;</BODY>"
        b"</TEXT></REUTERS>\n<REUTERS NEWID=\"8\"><TEXT TYPE=\"BRIEF\"><TITLE>No body</TITLE></TEXT></REUTERS>"
    )
    [story] = list(iter_reuters_sgml(path))
    assert story.id == "reuters-7" and story.date == "1987-03-05" and story.source == "Reuters"
    assert story.title == "A & B <CORP>"
    assert story.body == "NEW YORK, March 5 - Café prices rose."
    assert story.gold == {"places": ["usa", "uk"], "people": ["reagan"], "orgs": []}


# --- real corpora ----------------------------------------------------------------------------

def test_seeds(seeds_dir):
    results = list(read_paths([seeds_dir]))
    found = {a.id: a for a in articles(results)}
    assert len(results) == 5 and len(found) == 5
    assert "000_10c9a217b4c4d965" in found
    first = found["000_10c9a217b4c4d965"]
    assert first.title.startswith("Pro-Iran militias warn of forceful response")
    assert first.path == str(seeds_dir / "000_10c9a217b4c4d965.txt")
    second = next(a for key, a in found.items() if key.startswith("001_"))
    assert "date 2020-01-15" not in second.title and "advertisement" not in second.title
    assert second.date == "2020-01-15"
    fifth = next(a for key, a in found.items() if key.startswith("004_"))
    assert fifth.title == "Larger Than Usual Airstrike in Syria Said To Be US-Israel Joint Operation"
    assert fifth.source == "The Media Line"
    assert "themedialine.org" not in fifth.body
    for article in found.values():
        assert article.body and article.date in (None, "2020-01-15")
        tail = article.body[-300:]
        assert "Check Also" not in tail and "Powered by automated translation" not in article.body


def test_fakes_csv(fakes_csv):
    results = list(read_paths([fakes_csv]))
    found = articles(results)
    assert len(found) == 804 and not skipped(results)
    # unit_id is the id; the dataset itself repeats a few rows under the same unit_id.
    assert all(a.id.isdigit() for a in found) and len({a.id for a in found}) > 780
    for article in found:
        assert article.title.strip()
        assert "Ã" not in article.title and "ï¿½" not in article.title  # no mojibake (the file has its own U+FFFD)
        assert article.date is not None and len(article.date) == 10 and article.date[4] == "-"
        assert article.gold == {}
    assert found[0].id == "1914947530" and found[0].date == "2017-04-05"


def test_a_page_nested_past_the_parsers_limit_keeps_its_text_and_metadata():
    """libxml2 drops whatever lies deeper than 256 elements; such a page is read again flattened."""
    from index.readers.html import parse_html

    first = "Convoy workers reached the northern bridge before dawn on Tuesday. " * 4
    second = "The council said repairs would take a week."
    for depth in (300, 5000):
        markup = ("<html><head><title>Bridge reopened</title>"
                  "<meta property='article:published_time' content='2021-03-04'></head><body>"
                  + "<section><div>" * depth + f"<p>{first}</p><p>{second}</p>" + "</div></section>" * depth
                  + "</body></html>")
        page = parse_html(markup)
        assert page.title == "Bridge reopened" and str(page.date) == "2021-03-04"
        assert page.body.split("\n\n") == [first.strip(), second], depth
