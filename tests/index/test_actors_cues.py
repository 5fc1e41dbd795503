"""General evidence that types a capitalised run (issue 10, CoNLL recall): results rows, bylines before
datelines, titles and dates glued to a name, company forms, athletes' countries, scorecards, and the
document's other mentions of the same name.

Every name here is invented or appears nowhere in the extractor's code and data, so a rule written
for one visible example would fail.
"""
from __future__ import annotations

import pytest


def _spans(result, text: str) -> dict[str, str]:
    """Mention text -> mention kind, for the actor mentions of one body."""
    return {text[m.start:m.end]: m.kind for m in result.mentions if m.facet == "actor"}


def test_names_between_numbers_are_a_results_row_not_a_headline(extractor):
    text = "Batting : K. Varga 69 , T. Oduya 71 ; R. Lindqvist 44 , P. Marchetti 12 ."
    spans = _spans(extractor.extract("", text), text)
    assert {"K. Varga", "T. Oduya", "R. Lindqvist", "P. Marchetti"} <= set(spans)
    assert all(spans[name] == "person" for name in ("K. Varga", "T. Oduya", "R. Lindqvist"))


def test_a_date_before_a_name_is_no_part_of_it(extractor):
    text = "The board met for hours. In October Teodor Halvorsen resigned from the board."
    actors = extractor.extract("", text).actors
    assert "Teodor Halvorsen" in actors and not [a for a in actors if "October" in a]


def test_a_bylines_name_stops_where_the_capitals_of_its_dateline_start(extractor):
    text = "Rains return to the south . Teodor Halvorsen OSLO 1996-08-30 Heavy rain fell on Friday ."
    result = extractor.extract("", text)
    assert "Teodor Halvorsen" in result.actors
    assert not [a for a in result.actors if "OSLO" in a.upper() and a != "Oslo"]


def test_capitals_closing_a_company_name_stay_in_it(extractor):
    text = "Shares of Velmora Kablo AB rose after Ostrava Trading PLC bid for it."
    actors = extractor.extract("", text).actors
    assert "Velmora Kablo AB" in actors and "Ostrava Trading PLC" in actors


@pytest.mark.parametrize(
    ("text", "person", "title_word"),
    [
        ("Assembly Majority Leader Marta Quintero said the vote would wait.", "Marta Quintero", "Leader"),
        ("Republican Odile Marchetti , who chairs the panel , disagreed .", "Odile Marchetti", "Republican"),
    ],
)
def test_a_title_glued_to_a_given_name_is_no_part_of_the_name(extractor, text, person, title_word):
    actors = extractor.extract("", text).actors
    assert person in actors and not [a for a in actors if title_word in a]


def test_an_organisation_before_its_directors_title_is_both(extractor):
    text = "the Harbour Traffic Authority Director Marta Quintero said on Monday ."
    actors = extractor.extract("", text).actors
    assert "Harbour Traffic Authority" in actors and "Marta Quintero" in actors


@pytest.mark.parametrize(
    "company", ["Velmora Kablo SpA", "Ostrava Kablo Oy", "Quell Holdings Pty", "Halvorsen & Quintero"]
)
def test_company_forms_and_ampersands_make_an_organisation(extractor, company):
    result = extractor.extract("", f"Analysts said {company} would report a loss on Monday.")
    assert result.actor_types.get(company) == "organisation"


def test_an_abbreviated_company_form_keeps_its_stop_in_the_mention(extractor):
    text = "The bid by Velmora Corp. , which owns Quell Inc. , was approved ."
    spans = _spans(extractor.extract("", text), text)
    assert spans.get("Velmora Corp.") == "organisation" and spans.get("Quell Inc.") == "organisation"


def test_an_athlete_before_a_bracketed_country_is_a_person(extractor):
    text = ("Results of the 800 metres : 1. Wekesa Oduya ( Kenya ) 1:45.20 2. Kestrelli ( Norway ) 1:45.64 "
            "3. Lyon ( France ) 1:46.02")
    spans = _spans(extractor.extract("", text), text)
    assert spans.get("Wekesa Oduya") == "person" and spans.get("Kestrelli") == "person"
    assert "Lyon" not in spans  # a city before its country stays a place


def test_players_in_a_scorecards_dismissals_are_people(extractor):
    text = "Oduyami c Varganyi b Lindqvaro 12 , Marchettini lbw b Lindqvaro 4 , Halvorsenn not out 30 ."
    spans = _spans(extractor.extract("", text), text)
    assert {"Oduyami", "Varganyi", "Lindqvaro", "Marchettini", "Halvorsenn"} <= set(spans)
    assert set(spans.values()) == {"person"}


def test_a_name_after_said_is_the_company_the_document_names_in_full(extractor):
    text = ("Velmorix said on Friday it would cut 300 jobs. Velmorix SpA shares fell 4 percent, "
            "and the cuts will continue, said Velmorix.")
    result = extractor.extract("", text)
    assert result.actor_types.get("Velmorix SpA") == "organisation"
    assert "Velmorix" not in result.actors


def test_a_player_called_by_his_given_name_is_the_full_name(extractor):
    text = ("Wekesa Oduya won the final in four sets. Later Wekesa said he was tired, "
            "and the crowd cheered Wekesa.")
    result = extractor.extract("", text)
    assert result.actor_types.get("Wekesa Oduya") == "person"
    assert "Wekesa" not in result.actors


def test_a_given_name_that_is_also_a_city_opens_the_same_name(extractor):
    text = "The prize went to Florence Anne Kowalczyk, who thanked her team."
    actors = extractor.extract("", text).actors
    assert "Florence Anne Kowalczyk" in actors and "Anne Kowalczyk" not in actors


@pytest.mark.parametrize(
    ("text", "body"),
    [
        ("Results came in this morning . Velmorix CEO Teodor Halvorsen told reporters .", "Velmorix"),
        ("The board said Ostravix general manager Marta Quintero would stay .", "Ostravix"),
        ("\" A great day , \" said Quellers owner Odile Marchetti .", "Quellers"),
    ],
)
def test_a_name_before_an_office_held_in_it_is_that_body(extractor, text, body):
    result = extractor.extract("", text)
    assert result.actor_types.get(body) == "organisation"


@pytest.mark.parametrize(
    "text", ["The Tutsi major Teodor Halvorsen spoke .", "Chechen leader Teodor Halvorsen spoke ."]
)
def test_a_rank_or_leader_after_a_word_names_no_body(extractor, text):
    actors = extractor.extract("", text).actors
    assert "Teodor Halvorsen" in actors and not {"Tutsi", "Chechen"} & set(actors)


def test_a_head_word_alias_inside_a_longer_name_is_not_that_actor(extractor):
    # "Congress" alone is the US Congress in our dictionary; inside a longer name it is that name's head
    text = "A spokesman of the Ruritanian National Congress said the talks failed."
    result = extractor.extract("", text)
    assert "Ruritanian National Congress" in result.actors and "US Congress" not in result.actors
    assert "National" not in result.actors


@pytest.mark.parametrize(
    ("text", "team"),
    [
        ("The Kestrels routed the Quellers 10-0 . It was a rout .", "Quellers"),
        ("Velmorshire won by 188 runs . Ostrashire 199 and 426 , Velmorshire 372 and 100-5 .", "Ostrashire"),
    ],
)
def test_a_side_in_a_result_is_an_organisation(extractor, text, team):
    assert extractor.extract("", text).actor_types.get(team) == "organisation"


def test_numbers_after_a_name_in_prose_make_no_side(extractor):
    assert "Velmoria" not in extractor.extract("", "Prices in Velmoria 3 and 4 percent higher were reported.").actors


@pytest.mark.parametrize(
    ("text", "body", "person"),
    [
        ("Members of the Ruritanian Coalition Nagwa al-Duraidi said the vote failed.", "Ruritanian Coalition",
         "Nagwa al-Duraidi"),
        ("Members of the Ruritanian Coalition Muwafiq Tarabiyya said the vote failed.", "Ruritanian Coalition",
         "Muwafiq Tarabiyya"),
    ],
)
def test_a_persons_name_after_a_bodys_name_with_the_comma_lost_is_apart(extractor, text, body, person):
    actors = extractor.extract("", text).actors
    assert body in actors and person in actors and not [a for a in actors if body in a and a != body]


def test_a_states_body_named_with_its_demonym_keeps_it(extractor):
    text = "According to a report by the Syrian Centre for Grain Research the harvest failed."
    actors = extractor.extract("", text).actors
    assert "Syrian Centre for Grain Research" in actors and "Centre for Grain Research" not in actors


def test_and_between_a_bodys_name_and_a_stray_word_makes_no_name(extractor):
    actors = extractor.extract("", "Shelling by the Ruritanian Army and Loyal units went on.").actors
    assert not [a for a in actors if " and " in a]


@pytest.mark.parametrize(
    "text",
    [
        "Activists said the army shelled the town. Other activists agreed.",
        "The monitor said European members of the group were among the dead.",
    ],
)
def test_a_common_noun_or_adjective_beside_said_is_no_person(extractor, text):
    assert not [a for a in extractor.extract("", text).actors if a in ("Activists", "European")]


def test_a_side_typed_once_is_the_side_throughout_but_not_where_it_is_the_place(extractor):
    # two towns of the gazetteer, playing
    text = ("Swindon won by 188 runs at Quellbridge . Exeter 199 and 426 , Swindon 372 and 100-5 . "
            "Trailing by 213 , Exeter got a solid start . The next match is in Exeter .")
    result = extractor.extract("", text)
    kinds = [m.kind for m in result.mentions if text[m.start:m.end] == "Exeter"]
    assert result.actor_types.get("Exeter") == "organisation"
    assert kinds == ["organisation", "organisation", "place"]  # "in Exeter" is the town


def test_a_companys_name_said_alone_is_not_a_persons_given_name(extractor):
    text = ("Velmorix said on Friday it lost money. Analysts regarded Velmorix Bonds as risky, "
            "and Velmorix S.A. shares fell.")
    result = extractor.extract("", text)
    assert result.actor_types.get("Velmorix S.A.") == "organisation"
    assert "person" not in {result.actor_types[a] for a in result.actors if a.startswith("Velmorix")}


def test_a_small_towns_name_opening_a_companys_is_the_company_but_not_after_in(extractor):
    text = ("Ludlow Holdings Ltd said it would buy the mill. Ludlow was up 1/8 at the close. "
            "The mill in Ludlow employs 40.")
    result = extractor.extract("", text)
    actor_spans = [(m.start, m.value) for m in result.mentions if m.facet == "actor"]
    assert (text.index("Ludlow was"), "Ludlow Holdings Ltd") in actor_spans
    assert text.rindex("Ludlow") not in [start for start, _ in actor_spans]
