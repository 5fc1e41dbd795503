"""The sentence splitter's shortcut gives exactly what NLTK's untrained Punkt gives (issue 12: speed
without a change of behaviour)."""
from __future__ import annotations

import pytest
from nltk.tokenize import PunktSentenceTokenizer

from index.entities.chunking import _SENTENCES, _plain_spans, sentence_spans


@pytest.mark.parametrize(
    "block",
    [
        "Shells fell on the market. Eleven people died. The army denied it.",
        "The plan was signed by J. Moreno and K. Tan on Monday.",
        "The toll rose to 2016. Rebels said so. It was 12. then 13.",
        "The figure was 3. it said, and 45. Then it rose.",
        "Troops reached Bluefield, W. Va., on Friday and Ripley, W. Va. later.",
        "He asked why? Nobody knew! Then... silence. Wait... What?",
        'He said "it is over." Then he left. (It was late.) Next day.',
        "U.S. officials said so. The U.N. agreed.",
        "Gen. Ayoub spoke. Col. Sami said no. etc. And more.",
        "Prices rose 4.5 pct. Shares fell 1,000. Trading was thin.",
    ],
)
def test_the_shortcuts_agree_with_punkt(block):
    punkt = list(PunktSentenceTokenizer().span_tokenize(block))
    assert list(_SENTENCES.span_tokenize(block)) == punkt
    plain = _plain_spans(block)
    assert plain is None or plain == punkt


def test_a_block_of_plain_breaks_is_split_without_punkt():
    block = "Shells fell on Hama. Nine died in 2016. Rebels left with J. Moreno on Friday. Nobody stayed."
    assert _plain_spans(block) == [(0, 20), (21, 39), (40, 77), (78, 92)]
    assert _plain_spans(block) == list(PunktSentenceTokenizer().span_tokenize(block))


def test_sentences_never_cross_a_line_break():
    text = "Rebels Take Hill\nThe army said it lost. Fighting went on"
    spans = sentence_spans(text)
    assert [text[s:e] for s, e in spans] == ["Rebels Take Hill", "The army said it lost.", "Fighting went on"]
