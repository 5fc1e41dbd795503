"""Story clustering on hand-written articles: the rules of `index.stories`, one at a time.

The texts are ours (no research corpus), written to be the cases the rules exist for:
a wire copy run by another site, a rewrite in other words, a templated report a week
later, and unrelated news as background so term weights behave as in a real pile.
"""
from __future__ import annotations

import random

from index.analysis import stem
from index.stories import (
    CALENDAR,
    RARE_NAME_MIN,
    RARE_NAME_SHARE,
    Sidecar,
    StoryArticle,
    _Evidence,
    _Idf,
    _rare_limits,
    cluster,
    pairwise,
    story_id,
)

WIRE = (
    "Flooding on the Narev river forced the evacuation of 4,300 residents of Brellin on Tuesday, "
    "the regional governor Tomas Okafor said, after three days of heavy rain burst a levee north of the town.\n\n"
    "Rescue teams from the Red Cross used boats to reach families stranded on rooftops in the Kessel district. "
    "Two people were confirmed dead and eleven were missing, the governor told reporters at an emergency centre.\n\n"
    "The weather service warned that more rain was expected on Wednesday and that the river could rise another metre. "
    "Schools in Brellin and the nearby villages of Ostrov and Malin will stay closed for the rest of the week."
)
# The same wire story as another site ran it: a new headline, a dropped line, a light edit.
COPY = WIRE.replace("the regional governor Tomas Okafor said", "regional governor Tomas Okafor said").replace(
    "Schools in Brellin and the nearby villages of Ostrov and Malin will stay closed for the rest of the week.", "")
# The same event told again by an outlet of its own.
REWRITE = (
    "Thousands of people have left their homes in Brellin after the swollen Narev river broke through a levee, "
    "with governor Tomas Okafor putting the number evacuated at 4,300.\n\n"
    "Boats sent by the Red Cross pulled residents of the Kessel district off their roofs. "
    "Officials said two people had died and eleven were still missing after the levee gave way.\n\n"
    "Forecasters expect more rain, and the Narev may climb a further metre by Wednesday."
)
BACKGROUND = [
    ("Parliament passes budget", "Lawmakers approved the annual budget by 212 votes to 180 after a long debate on "
     "pension spending and taxes on fuel. The finance minister said the deficit would fall next year."),
    ("Striker signs for champions", "The champions signed the striker for a record fee on Monday. The club said "
     "the player passed a medical and agreed a five-year contract with an option for a sixth."),
    ("Chip maker opens plant", "A chip maker opened a plant that will employ 900 people, the company said, "
     "adding that production of memory chips for cars would start in the spring."),
    ("Museum returns statues", "The national museum returned two bronze statues to the temple they were taken "
     "from a century ago, ending a long campaign by the city's council and its priests."),
    ("Rail strike called off", "Train drivers called off a strike planned for Friday after the operator agreed to "
     "talks on pay and rosters, the union said in a statement."),
]


def _article(article_id: str, body: str, date: int, title: str = "", source: str = "Example Wire") -> StoryArticle:
    return StoryArticle(article_id, title, body, date, source, content_hash=article_id,
                        entities=("Tomas Okafor", "Brellin", "Red Cross") if "Okafor" in body else ())


def _pile() -> list[StoryArticle]:
    return [
        _article("wire", WIRE, 20240304, "Floods force 4,300 from homes in Brellin"),
        _article("copy", COPY, 20240305, "Thousands evacuated as Narev bursts its banks", source="Daily Example"),
        _article("rewrite", REWRITE, 20240306, "Brellin empties as river breaks levee", source="Example Post"),
        *[_article(f"bg-{n}", body, 20240301 + n, title) for n, (title, body) in enumerate(BACKGROUND)],
    ]


def _stories(articles: list[StoryArticle]) -> dict[str, str]:
    return cluster(articles).story_of()


def test_copies_and_rewrites_join_and_unrelated_news_stays_apart() -> None:
    stories = _stories(_pile())
    assert stories["wire"] == stories["copy"] == stories["rewrite"]
    others = {stories[f"bg-{n}"] for n in range(len(BACKGROUND))}
    assert len(others) == len(BACKGROUND) and stories["wire"] not in others


def test_story_id_comes_from_its_earliest_article() -> None:
    stories = _stories(_pile())
    assert stories["wire"] == story_id("wire")
    assert stories["bg-0"] == story_id("bg-0")


def test_the_same_template_weeks_apart_is_another_story() -> None:
    """A report that recurs with the same words (a weekly flood bulletin) is a new story each time."""
    later = _article("next-month", WIRE, 20240405, "Floods force 4,300 from homes in Brellin")
    stories = _stories([*_pile(), later])
    assert stories["next-month"] != stories["wire"]


def test_dateless_copies_are_joined_on_their_text() -> None:
    stories = _stories([_article("a", WIRE, 0), _article("b", COPY, 0), *_pile()[3:]])
    assert stories["a"] == stories["b"]


def test_a_copy_of_a_later_version_joins_its_story() -> None:
    """A site that reruns an outlet's rewrite days later copies that version, not the first report:
    it shares no shingles with the founder and is too late to be a rewrite of it."""
    rerun = _article("rerun", REWRITE.replace("Boats sent by the Red Cross", "Red Cross boats"), 20240310,
                     "Brellin empties as river breaks levee", source="Weekly Example")
    stories = _stories([*_pile(), rerun])
    assert stories["rerun"] == stories["rewrite"] == stories["wire"]


def test_a_copy_too_long_after_its_story_began_is_another_story() -> None:
    """Copies of copies do not carry a story on for ever: a rerun joins only within `COPY_DAYS`
    of the story's first report, even when it copies a version that is itself recent."""
    pile = _pile()
    reruns = [_article(f"rerun-{n}", WIRE, 20240304 + 5 * n, "Floods force 4,300 from homes in Brellin",
                       source=f"Site {n}") for n in range(1, 3)]
    stories = _stories([*pile, *reruns])
    assert stories["rerun-1"] == stories["wire"]
    assert stories["rerun-2"] != stories["wire"]  # 10 days after the first report, 5 after the last copy


PAPERS = [  # two abstracts of one lab's series: alike in words, not one story
    ("Pressure measurements on a swept wing", "Pressure measurements on a swept wing at transonic speeds. Pressure "
     "distributions were measured on a tapered swept wing of aspect ratio 3 at Mach numbers between 0.8 and 1.2 in a "
     "transonic wind tunnel. The results show how the shock moves aft with increasing Mach number and how "
     "leading-edge separation develops at high incidence."),
    ("Leading-edge separation on a swept wing", "Leading-edge separation on a swept wing at transonic speeds. "
     "Oil-flow visualisation and pressure measurements on a swept wing of aspect ratio 3 in a transonic wind tunnel "
     "show how separation at the leading edge grows with incidence at Mach numbers near 1, and how the vortex "
     "changes the spanwise load on the tapered wing."),
]


def test_dateless_texts_alike_in_words_need_the_events_names_to_join() -> None:
    """Without dates, a shared subject is not a shared event (Cranfield's abstracts joined in series):
    a dateless rewrite joins when it also names the event's people and places."""
    papers = [_article(f"paper-{n}", body, 0, title) for n, (title, body) in enumerate(PAPERS)]
    reports = [_article("wire", WIRE, 0, "Floods force 4,300 from homes in Brellin"),
               _article("rewrite", REWRITE, 0, "Brellin empties as river breaks levee", source="Example Post")]
    stories = _stories([*papers, *reports, *_pile()[3:]])
    assert stories["paper-0"] != stories["paper-1"]
    assert stories["wire"] == stories["rewrite"]


CLOSURE = ("Brellin Steel said on Monday it would close its Narev rolling mill in June, cutting 600 jobs, after orders "
           "from car makers fell for a third year. The company said production would move to its plant in Ostrov, "
           "where it employs 1,200 people.")
PURCHASE = ("Brellin Steel said on Monday it had agreed to buy Kessel Draht, a wire maker in Ostrov, for 40 million "
            "crowns, adding a plant with 300 workers. The company said the purchase would be completed in June.")


def test_one_outlets_two_reports_on_one_subject_are_two_stories() -> None:
    """An outlet retells its own story in nearly its own words (an update, a fuller version); two of its
    reports on one company in other words are two stories, however many names they share."""
    def report(article_id: str, body: str, title: str) -> StoryArticle:
        return StoryArticle(article_id, title, body, 20240311, "Example Wire", article_id,
                            entities=("Brellin Steel", "Ostrov", "Narev"))

    update = CLOSURE.replace("cutting 600 jobs", "cutting 650 jobs")
    stories = _stories([report("closure", CLOSURE, "Brellin Steel to shut Narev mill"),
                        report("purchase", PURCHASE, "Brellin Steel buys Kessel Draht"),
                        report("closure-update", update, "UPDATE 1-Brellin Steel to shut Narev mill"), *_pile()])
    assert stories["closure"] != stories["purchase"]
    assert stories["closure-update"] == stories["closure"]


# An update by the wire that ran the first report adds the day's news (a dam opened upstream), and a report on
# that news alone retells the update, not the first report.
DAM = ("Engineers from the Volta Hydro company opened the sluices of the Zarin dam upstream of Brellin on Thursday "
       "to lower the reservoir, the company's director Anja Pellworm said, and warned farmers in the Zarin valley "
       "that their fields near the Lusk canal would flood for a week. Farmers in the Zarin valley were told to move "
       "their herds after Volta Hydro opened the sluices of the Zarin dam, director Anja Pellworm said; fields along "
       "the Lusk canal will stay under water for a week while the reservoir drops.")
DAM_REWRITE = (
    "Volta Hydro has opened the Zarin dam's sluices to bring the reservoir down, its director Anja Pellworm said on "
    "Thursday. Farmers of the Zarin valley must move herds from fields by the Lusk canal, which will be under water "
    "for about a week, Pellworm warned, as the sluices upstream of Brellin stay open.")


def test_another_outlet_can_retell_a_later_version_but_an_outlets_own_report_is_matched_with_the_first() -> None:
    """Other outlets' reports of an event each retell the version they saw (tolls rise, news comes in), so they
    join through any version; one outlet's reports are matched with its story's first only, as a wire's briefs
    sharing a template would otherwise chain through each other. The dam report shares nothing with the first."""
    def report(article_id: str, body: str, date: int, title: str, source: str) -> StoryArticle:
        names = ("Tomas Okafor", "Brellin", "Red Cross", "Anja Pellworm", "Zarin", "Volta Hydro")
        return StoryArticle(article_id, title, body, date, source, article_id,
                            tuple(name for name in names if name.split()[0] in body))

    paragraphs = WIRE.split("\n\n")
    update = paragraphs[0] + "\n\n" + DAM + "\n\n" + paragraphs[1]
    pile = [report("wire", WIRE, 20240304, "Floods force 4,300 from homes in Brellin", "Example Wire"),
            report("update", update, 20240305, "UPDATE 1-Brellin floods: Zarin dam sluices opened", "Example Wire"),
            *_pile()[3:]]
    for source, joins in (("Daily Example", True), ("Example Wire", False)):
        stories = _stories([*pile, report("dam", DAM_REWRITE, 20240306, "Zarin dam sluices opened", source)])
        assert stories["update"] == stories["wire"]
        assert (stories["dam"] == stories["wire"]) is joins, source


def test_calendar_words_burst_with_the_calendar_and_never_count_as_an_events_words() -> None:
    """Every dateline of a busy week names its month and weekday, so they burst with that week as an event's
    words do (held by five articles, all of them in the week, they are not rare); only the event's words count."""
    quiet = [_article(f"bg-{n}-{k}", body, 20200101 + 10000 * k + 100 * (n % 12), title)
             for k in range(4) for n, (title, body) in enumerate(BACKGROUND)]
    week = [_article(f"week-{n}", "Tuesday 5 March 2024. The levee at Kessel held, officials said on Tuesday. "
                     + BACKGROUND[n][1], 20240305 + n % 2, BACKGROUND[n][0], source=f"Outlet {n}")
            for n in range(5)]
    sidecar = cluster([*quiet, *week])
    idf = _Idf(sidecar.df, sidecar.documents)
    evidence = _Evidence(sidecar.members, idf)
    at = {member.id: n for n, member in enumerate(sidecar.members)}
    first, later = at["week-0"], at["week-4"]
    day = evidence.days[first]
    assert day is not None
    window = evidence.bursts.window(day)
    assert evidence.bursts.bursty("march", day, window) and evidence.bursts.bursty("tuesday", day, window)
    assert not {"march", "tuesday"} & evidence.rare[first]
    shared = evidence.burst_words(later, first)
    assert stem("levee") in shared
    assert not shared & CALENDAR


def test_a_busy_window_needs_rarer_names() -> None:
    """A thousand articles, half of them in five busy days: there a name must be held by few articles
    to count as rare; a quiet day and a dateless article keep the share of the whole pile."""
    first = 738_000  # a day number (as `_days` gives them)
    busy: list[int | None] = [first + n % 5 for n in range(500)]
    quiet: list[int | None] = [first + 100 + 3 * n for n in range(500)]  # one every third day, over four years
    days = busy + quiet + [None]
    limits = _rare_limits(days, len(days))
    share = RARE_NAME_SHARE * len(days)
    assert limits[0] < share / 2 and limits[0] >= RARE_NAME_MIN
    assert limits[500] == limits[-1] == share


def test_clustering_is_deterministic_whatever_the_input_order() -> None:
    pile = _pile()
    expected = _stories(pile)
    for seed in range(3):
        shuffled = pile[:]
        random.Random(seed).shuffle(shuffled)
        assert _stories(shuffled) == expected


def test_incremental_adds_a_new_version_to_the_existing_story(tmp_path) -> None:
    pile = _pile()
    first = cluster([a for a in pile if a.id != "rewrite"])
    first.save(tmp_path)
    loaded = Sidecar.load(tmp_path)
    assert loaded is not None and loaded.story_of() == first.story_of()
    assert (loaded.signatures == first.signatures).all()
    rewrite = next(a for a in pile if a.id == "rewrite")
    later = cluster([rewrite], loaded, keep={a.id for a in pile})
    stories = later.story_of()
    assert stories["rewrite"] == stories["wire"] == first.story_of()["wire"]
    assert {k: v for k, v in stories.items() if k != "rewrite"} == first.story_of()  # nothing re-clustered
    assert later.documents == len(pile)


def test_incremental_drops_articles_no_longer_kept_and_replaces_changed_ones() -> None:
    pile = _pile()
    first = cluster(pile)
    changed = _article("copy", "An entirely different text about a chess tournament won by a teenager.", 20240305)
    assert cluster(pile).story_of()["copy"] == first.story_of()["wire"]
    later = cluster([changed], first, keep={a.id for a in pile if a.id != "bg-1"})
    stories = later.story_of()
    assert "bg-1" not in stories
    assert stories["copy"] != stories["wire"]
    assert len(later.members) == len(later.signatures) == len(pile) - 1


def test_stories_lists_members_in_time_order() -> None:
    grouped = cluster(_pile()).stories()
    members = grouped[story_id("wire")]
    assert [m.id for m in members] == ["wire", "copy", "rewrite"]


def test_pairwise_scores_count_judged_pairs_only() -> None:
    pairs = [("a", "b", True), ("a", "c", True), ("c", "d", False)]
    result = pairwise({"a": "1", "b": "1", "c": "2", "d": "2", "e": "2"}, pairs)
    assert (result["tp"], result["fn"], result["fp"]) == (1, 1, 1)
    assert result["precision"] == result["recall"] == result["f1"] == 0.5
    apart = pairwise({"a": "1", "b": "2", "c": "3", "d": "4"}, pairs)
    assert (apart["tp"], apart["fp"], apart["recall"]) == (0, 0, 0.0)
