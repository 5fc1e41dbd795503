"""Bylines as pages print them (issue 9, blind3 set): a reporter's title after the name (Korean,
Japanese) ends the name; a Chinese dateline names its reporters in brackets; and a byline an
extractor flattened is read again as printed, where a label's colon and a place after the
names' last "and" say they are no names.

Names, titles, labels and places here are not in the ingest pages, so a rule for a listed word fails.
"""
from __future__ import annotations

from index.readers.html import parse_html
from index.readers.text import bracketed_reporters, byline_names, split_authors

STORY = "".join(
    f"<p>The valley's orchard growers said on Friday that the late frost had cost them a third of the apple "
    f"crop in block {n}, and asked the province for help with the cost of replanting the trees.</p>"
    for n in range(5))


def test_a_title_after_the_name_ends_it_and_what_follows_is_no_name():
    assert split_authors(["이도윤 특파원 국제부 다른기사 보기"]) == ["이도윤"]
    assert split_authors(["한서연기자, 오지훈 선임기자"]) == ["한서연", "오지훈"]
    assert split_authors(["佐藤花子記者"]) == ["佐藤花子"]
    # A title word opening a longer word is none ("기자단", the press corps), and a name alone stays.
    assert split_authors(["기자단"]) == ["기자단"] and split_authors(["정하윤"]) == ["정하윤"]


def test_a_korean_writer_box_gives_the_name_only():
    page = parse_html('<!DOCTYPE html><html lang="ko"><head><meta charset="utf-8"><title>서리 피해</title></head>'
                      f'<body><article><h1>서리 피해</h1>{STORY}</article><div class="writer-box">'
                      '<strong>이도윤 특파원</strong> <span>국제부</span> <a href="/list?w=dy">다른기사 보기</a>'
                      '</div></body></html>')
    assert page.authors == ("이도윤",)


def test_a_chinese_dateline_names_its_reporters_in_brackets():
    story = "".join(f"<p>果农周五表示，晚霜使第{n}区的苹果减产约三成，他们希望省里帮助承担补种果树的费用。</p>"
                    for n in range(4))
    lead = "<p>新华社南京5月3日电（记者 刘洋、张敏 通讯员 王芳）江宁区果农周五表示，晚霜使苹果大面积减产。</p>"
    page = parse_html('<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8"><title>晚霜</title></head>'
                      f"<body><article><h1>晚霜</h1>{lead}{story}</article></body></html>")
    assert page.authors == ("刘洋", "张敏", "王芳")
    assert bracketed_reporters("本报讯（本报记者　赵磊）昨日") == ("赵磊",)
    # A press conference (记者招待会) in brackets names nobody.
    assert bracketed_reporters("市长（在记者招待会上）表示，补贴下周发放。") == ()


def test_a_printed_byline_tells_label_names_and_place_apart():
    assert byline_names("Par Jeanne Marc et Louis Brel, Lyon") == ["Jeanne Marc", "Louis Brel"]
    assert byline_names("By Orla Quennick, Tamsin Orlowe and Idris Fane") == [
        "Orla Quennick", "Tamsin Orlowe", "Idris Fane"]
    assert byline_names("Orla Quennick, Karnavik") == ["Orla Quennick"]
    for printed, names in [("Texto: Inés Varquez", ("Inés Varquez",)),
                           ("Von Lena Brandt und Jonas Pfeil, Osterholm", ("Lena Brandt", "Jonas Pfeil"))]:
        page = parse_html('<!DOCTYPE html><html><head><meta charset="utf-8"><title>Frost</title></head><body>'
                          f'<article><h1>Frost</h1><div class="meta"><span class="author">{printed}</span>'
                          f'<span class="time">vor 3 Stunden</span></div>{STORY}</article></body></html>')
        assert page.authors == names, printed
