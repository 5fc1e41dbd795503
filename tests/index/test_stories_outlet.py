"""One outlet's own reports in a real index: which of them retell one event, which tell two.

A wire files many reports on one company or one set of talks within days. Its correction, its
repeat and its fuller version of a report are one story with it; its next report on the same
company (another mill's figures, the reply to a bid) is another story, though it names the same
company, shares its template and most of its words. The rules that tell them apart read the
figures the reports state (`_figures`) and what their openings report (`_Words.read`).

Every text here is made up (companies, towns and people the code never names), indexed with the
real indexer into a real Whoosh index, and read back from its stories sidecar.
"""
from __future__ import annotations

import json
from pathlib import Path

from index.build import build_index
from index.store import current_generation
from index.stories import (
    SAME_OUTLET_CLOSE,
    SAME_OUTLET_COSINE,
    Sidecar,
    StoryArticle,
    _cosine,
    _Evidence,
    _figures,
    _Idf,
    cluster,
    read_articles,
)

WIRE = "Northgate Wire"

# Background news, so that term weights behave as in a real pile.
BACKGROUND = [
    ("Parliament passes budget", "LUNDVIK, March 6 - Lawmakers approved the annual budget by 212 votes to 180 after a "
     "long debate on pension spending and fuel taxes. The finance minister said the deficit would fall next year."),
    ("Striker signs for champions", "ORVALE, March 7 - The champions signed the striker for a record fee. The club "
     "said the player passed a medical and agreed a five-year contract with an option for a sixth."),
    ("Museum returns statues", "KESSEL, March 8 - The national museum returned two bronze statues to the temple they "
     "were taken from a century ago, ending a long campaign by the city's council and its priests."),
    ("Rail strike called off", "BRELLIN, March 9 - Train drivers called off a strike planned for Friday after the "
     "operator agreed to talks on pay and rosters, the union said in a statement."),
    ("Heat wave grips the south", "SARNO, March 9 - Temperatures reached 41 degrees in the southern plains, and the "
     "health ministry told the elderly to stay indoors during the afternoon."),
    ("Chess title goes to teenager", "VELLAR, March 10 - A 16-year-old won the national chess title on tie-breaks, "
     "beating the holder in a final game that lasted six hours."),
]

# One company's weekly milling figures: two mills the same day are two reports with one template.
MILL = ("TARSK, March 8 - Halvora Mills said its Tarsk flour mill ground 41,200 tonnes of wheat in the week to "
        "March 6, up from 38,900 tonnes a week earlier, and shipped 36,750 tonnes of flour to bakeries in the "
        "Ennis valley. Halvora Mills said stocks of wheat at the Tarsk mill stood at 112,400 tonnes.")
OTHER_MILL = ("TARSK, March 8 - Halvora Mills said its Orsk flour mill ground 17,650 tonnes of wheat in the week to "
              "March 6, up from 15,300 tonnes a week earlier, and shipped 14,080 tonnes of flour to bakeries in the "
              "Ennis valley. Halvora Mills said stocks of wheat at the Orsk mill stood at 58,900 tonnes.")
# Its correction: one figure put right, the rest as first filed, under a new dateline.
MILL_CORRECTED = MILL.replace("TARSK, March 8", "TARSK, March 9").replace("36,750", "36,570")

# A bid and the target's reply the same day: the same companies and price, other news.
BID = ("PELLAM, March 8 - Corvane Holdings said it offered 31 crowns a share in cash for Pellam Textiles, valuing "
       "the weaver at about 240 million crowns, and would take the offer to Pellam Textiles shareholders if its "
       "board did not back it. Corvane Holdings, which owns nine pct of Pellam Textiles, said banks had agreed "
       "to lend it the money.")
REPLY = ("PELLAM, March 8 - The directors of Pellam Textiles unanimously rejected a takeover approach as inadequate "
         "and urged investors to take no action, the weaver's chairman told reporters on Friday. Pellam Textiles "
         "said the offer of 31 crowns a share in cash from Corvane Holdings, valuing the weaver at about 240 million "
         "crowns, was far below its worth. Corvane Holdings owns nine pct of Pellam Textiles and said banks had "
         "agreed to lend it the money, and would take the offer to shareholders if the board did not back it.")
# The bid again, fuller: the same opening, its last lines reworded, the financing and advisers added.
BID_FULLER = (
    "PELLAM, March 9 - Corvane Holdings said it offered 31 crowns a share in cash for Pellam Textiles, valuing "
    "the weaver at about 240 million crowns, and would appeal directly to investors should directors oppose it. "
    "Corvane Holdings, which owns nine pct of Pellam Textiles, said banks had agreed to lend it the money. "
    "The offer is 22 pct above Pellam Textiles' closing price on Friday. Stellan Bank and the Ostrova Savings "
    "Bank will arrange the loan, and Corvane hopes to complete the purchase by June. Pellam Textiles employs "
    "about 1,400 people at two weaving plants near Pellam. Analysts at Morrow Securities said a rival bidder was "
    "unlikely, as the weaver's looms are old and its export orders fell last year, though its linen brand is well "
    "known in Lundvik and the Ennis valley. Corvane Holdings, a family group based in Sarno, makes carpets and "
    "rugs and bought the Vellar rug maker Dunmore two years ago.")

def _index(tmp_path: Path, reports: list[tuple[str, str, str, str]]) -> Path:
    """A real index of the background and `reports` (id, date, title, body), all filed by one wire."""
    records = [{"id": f"bg-{n}", "title": title, "body": body, "date": f"2024-03-{6 + n % 5:02d}",
                "source": f"Outlet {n}"} for n, (title, body) in enumerate(BACKGROUND)]
    records += [{"id": i, "title": title, "body": body, "date": date, "source": WIRE}
                for i, date, title, body in reports]
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "news.jsonl").write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    index_dir = tmp_path / "index"
    build_index([corpus], index_dir, workers=1)
    return index_dir


def _read(index_dir: Path) -> tuple[dict[str, str], _Evidence, dict[str, int]]:
    """The stories the indexer wrote, and the rules' evidence about the same articles."""
    generation = current_generation(index_dir)
    assert generation is not None
    written = Sidecar.load(generation)
    assert written is not None
    sidecar = cluster(article for _, article in read_articles(generation))
    assert sidecar.story_of() == written.story_of()
    at = {member.id: n for n, member in enumerate(sidecar.members)}
    return written.story_of(), _Evidence(sidecar.members, _Idf(sidecar.df, sidecar.documents)), at


def test_a_wires_correction_joins_its_report_and_its_other_mills_figures_do_not(tmp_path) -> None:
    """The other mill's report shares the template, the company and most words (a cosine one outlet's reports
    join at), and its openings read alike; only its figures differ. The correction, filed the next day under a
    new dateline, keeps all its figures but one."""
    index_dir = _index(tmp_path, [
        ("mill", "2024-03-08", "Halvora Mills Tarsk mill weekly grind", MILL),
        ("other-mill", "2024-03-08", "Halvora Mills Orsk mill weekly grind", OTHER_MILL),
        ("corrected", "2024-03-09", "CORRECTED - Halvora Mills Tarsk mill weekly grind", MILL_CORRECTED),
    ])
    stories, evidence, at = _read(index_dir)
    assert stories["corrected"] == stories["mill"]
    assert stories["other-mill"] != stories["mill"]
    mill, other = at["mill"], at["other-mill"]
    assert _cosine(evidence.weights[mill], evidence.weights[other]) >= SAME_OUTLET_COSINE
    assert not evidence.openings_differ(mill, other)
    assert evidence.figures_disagree(mill, other)
    assert not evidence.figures_disagree(mill, at["corrected"])  # the datelines' days are not figures


def test_a_bids_fuller_version_joins_it_and_the_targets_reply_does_not(tmp_path) -> None:
    """The reply names both companies, the price and the stake, so its figures agree with the bid's and its text
    is as close as one outlet's reports need; it opens on other news (a rejection, not an offer). The fuller
    version, the next day, opens as the bid did, though what it adds keeps its text from being a near-copy."""
    index_dir = _index(tmp_path, [
        ("bid", "2024-03-08", "Corvane Holdings bids for Pellam Textiles", BID),
        ("reply", "2024-03-08", "Pellam Textiles rejects takeover approach", REPLY),
        ("fuller", "2024-03-09", "Corvane Holdings bids 240 mln crowns for Pellam Textiles", BID_FULLER),
    ])
    stories, evidence, at = _read(index_dir)
    assert stories["fuller"] == stories["bid"]
    assert stories["reply"] != stories["bid"]
    bid, reply, fuller = at["bid"], at["reply"], at["fuller"]
    assert SAME_OUTLET_COSINE <= _cosine(evidence.weights[bid], evidence.weights[reply]) < SAME_OUTLET_CLOSE
    assert not evidence.figures_disagree(bid, reply)
    assert evidence.openings_differ(bid, reply)
    assert _cosine(evidence.weights[bid], evidence.weights[fuller]) < SAME_OUTLET_CLOSE
    assert not evidence.openings_differ(bid, fuller)



# A share offering, and its fuller version writing the same figures another way.
OFFERING = ("LUNDVIK, March 8 - Marrow Foods said it began a public offering of 2,800,000 shares at 21.25 crowns a "
            "share through Stellan Bank, and would use the money to pay for its new bakery at Orvale.")
OFFERING_FULLER = ("LUNDVIK, March 8 - Marrow Foods said it began a public offering of 2.8 mln shares at 21.25 "
                   "crowns a share through Stellan Bank, raising about 59.5 million crowns for its new bakery at "
                   "Orvale, which will employ 300 people.")


def test_a_fuller_version_that_writes_its_figures_another_way_keeps_them(tmp_path) -> None:
    """"2,800,000 shares" and "2.8 mln shares" are one figure: read as written, the fuller version would keep only
    half of the first report's figures, which is not enough for one outlet's two reports to be one story."""
    index_dir = _index(tmp_path, [
        ("offering", "2024-03-08", "Marrow Foods offers shares", OFFERING),
        ("fuller", "2024-03-08", "Marrow Foods offers 2.8 mln shares", OFFERING_FULLER),
    ])
    stories, evidence, at = _read(index_dir)
    assert stories["fuller"] == stories["offering"]
    assert _figures(StoryArticle("offering", "Marrow Foods offers shares", OFFERING)) == ["2.8E+6", "21.25"]
    assert not evidence.figures_disagree(at["offering"], at["fuller"])
