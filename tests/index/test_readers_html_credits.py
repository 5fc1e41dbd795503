"""Credit, editor, source and sign-off lines (issue 9, blind3 set): the lines a newsroom closes a
story with are furniture, whatever names they hold and in whichever language their label is:
a wire story's chain of credits, an editor's credit line, a source line, a reporter's sign-off
with an e-mail address. A story sentence that opens like one of them stays.

Names, labels and outlets here are not in the ingest pages, so a rule for a listed word fails.
"""
from __future__ import annotations

from index.readers.html import parse_html

STORY = [
    "The valley's orchard growers said on Friday that the late frost had cost them a third of the apple "
    f"crop in block {n}, and asked the province for help with the cost of replanting the trees."
    for n in range(5)
]


def _page(paragraphs: list[str], lang: str = "en") -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>Frost costs growers</title>'
            f"</head><body><main><article><h1>Frost costs growers</h1>{body}</article></main></body></html>")


def _body_after(closing: str, story: list[str] = STORY, lang: str = "en") -> str:
    return parse_html(_page([*story, closing], lang)).body


def test_a_chain_of_wire_credits_is_dropped_however_long():
    chain = ("Reporting by Saoirse Velland in Karnavik and Tomasz Ilgren in Oslo; Additional reporting by "
             "Priyanka Desmond in Tromso and Anders Hult in Bergen; Writing by Tomasz Ilgren; Graphics by "
             "Lea Marsh; Editing by Ruth Canning and Owen Blaise")
    assert len(chain) > 200  # longer than one credit may be
    body = _body_after(chain)
    assert "Saoirse" not in body and "Canning" not in body and STORY[-1] in body
    for credit in ("(Edited by Maren Quist)", "Photos by Ilya Brandt; Writing by Noor Haddad"):
        assert "by" not in _body_after(credit).split(STORY[-1])[-1], credit


def test_a_story_sentence_opening_like_a_credit_stays():
    sentence = ("Reporting by the council's own auditors was thin; the mayor admitted as much when she spoke "
                "to the growers in the packing shed on Thursday.")
    assert sentence in _body_after(sentence)


def test_an_editor_credit_line_is_dropped_in_any_of_its_forms():
    story = [f"果农周五表示，晚霜使第{n}区的苹果减产约三成，他们希望省里帮助承担补种果树的费用，"
             "并尽快公布补贴的具体标准。" for n in range(5)]
    for line in ("（责编：张伟）", "编辑：李娜", "(審核：周明)"):
        body = _body_after(line, story, "zh")
        assert line not in body and story[-1] in body, line
    assert "Jana Ott" not in _body_after("Redaktion: Jana Ott")
    sentence = "编辑部表示，将继续跟进果农补贴的发放情况，并在下周刊发后续报道。"
    assert sentence in _body_after(sentence, story, "zh")


def test_a_source_line_is_dropped_whatever_its_label_language():
    for line, lang in [("Источник: ТАСС + агентства", "ru"), ("Kaynak: Anadolu Ajansı", "tr"),
                       ("Fonte: Agência Lusa", "pt"), ("出典：共同通信", "ja")]:
        body = _body_after(line, lang=lang)
        assert line not in body and STORY[-1] in body, line
    sentence = "Источник в правительстве сообщил: переговоры с фермерами о компенсации продолжатся на следующей неделе."
    assert sentence in _body_after(sentence, lang="ru")


def test_a_reporter_sign_off_with_an_e_mail_address_is_dropped_but_a_story_sentence_with_one_stays():
    for line in ("김하늘 기자 hnkim@valebrook.example", "Write to Rosa Imbert at rimbert@valebrook.example",
                 "Orla Quennick | o.quennick@tribune.example"):
        body = _body_after(line)
        assert "@" not in body and STORY[-1] in body, line
    sentence = ("Growers who lost trees can send their claims to frost-relief@province.example before the end of "
                "the month, the ministry said.")
    assert sentence in _body_after(sentence)
