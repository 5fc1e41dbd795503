"""Old table-layout pages (issue 9, blind set): a table whose cells hold blocks, paragraph
breaks or long text is layout, read as blocks, so the story's cell is found like any
container and `<br><br>` breaks its paragraphs; a data table in a story stays a table.

Text is made up, so no rule for a listed word could pass; pages go through the real `parse_html`.
"""
from __future__ import annotations

from index.readers.html import parse_html

STORY = [
    "Velmora council began laying the new tram rails along the river road on Monday, after three "
    "years in which the old line stood closed and buses carried its passengers between the two bridges.",
    "The mayor, Orsin Tallevy, said the first section would open before the spring fair and that the "
    "whole line should carry passengers again by the end of next year if the weather allows.",
    "Shopkeepers on the river road said they feared the months of digging in front of their doors, "
    "but most told the council's survey that the tram would bring them more customers afterwards.",
    "The council will pay for the works from its own budget and a loan from the regional transport "
    "fund, which has lent money to four other towns in the valley for similar projects.",
]


def _layout_page(story_cell: str) -> str:
    menu = " | ".join(f'<a href="/s{i}">Quarvel {i}</a>' for i in range(6))
    side = "".join(f'<tr><td><a href="/n{i}">Brisk notice number {i} of the week</a></td></tr>' for i in range(5))
    return ('<html><head><meta charset="utf-8"><title>Tram rails return to Velmora</title></head><body>'
            '<table width="900"><tr><td colspan="3">' + menu + '</td></tr><tr>'
            f'<td width="180"><table><tr><td>Zindel box</td></tr>{side}</table></td>'
            '<td width="540"><table>'
            '<tr><td><font size="5"><b>Tram rails return to Velmora</b></font></td></tr>'
            f'<tr><td class="txt">{story_cell}</td></tr>'
            '<tr><td><a href="/print">Imprimo</a> | <a href="/send">Mandato</a> | Lettori: 88</td></tr>'
            '</table></td>'
            f'<td width="180"><table><tr><td>Plinth list</td></tr>{side}</table></td>'
            '</tr><tr><td colspan="3">Velmora Courier 1999-2025, all rights kept</td></tr></table></body></html>')


def test_a_layout_table_is_read_as_blocks_and_br_pairs_break_its_paragraphs():
    body = parse_html(_layout_page("<br><br>\n".join(STORY))).body
    assert body.split("\n\n") == STORY


def test_a_data_table_inside_a_layout_tables_story_stays_a_table():
    data = ("<table><tr><th>Stop</th><th>Opens</th></tr><tr><td>Kelp Street</td><td>May</td></tr>"
            "<tr><td>Old Mill</td><td>June</td></tr><tr><td>Harbour Gate</td><td>August</td></tr></table>")
    body = parse_html(_layout_page("<p>" + "</p><p>".join(STORY[:2]) + "</p>" + data
                                   + "<p>" + "</p><p>".join(STORY[2:]) + "</p>")).body
    for paragraph in STORY:
        assert paragraph in body
    assert "Zindel" not in body and "Quarvel" not in body and "Imprimo" not in body
    assert "| Kelp Street | May |" in body
