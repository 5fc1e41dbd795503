"""A country thanked, praised or invited, or named in apposition as someone's ally, backer or rival,
is a state acting, not a territory (issue 10): 'Trump thanked Russia, Turkey, Syria and Iraq',
'the government and its allies Russia and Iran', 'opposition backer Turkey'.

Other countries and verbs of the same shape than the audit's articles, so a rule for those fails.
"""
from __future__ import annotations

import pytest


@pytest.mark.parametrize(("text", "states"), [
    ("The prime minister thanked Norway, Chile and Japan for their help with the rescue.",
     {"Norway", "Chile", "Japan"}),
    ("The rebels praised Kenya after the talks, and the council invited Peru to the next round.",
     {"Kenya", "Peru"}),
    ("A truce was agreed between the army's allies Belgium and Portugal and opposition backer Argentina.",
     {"Belgium", "Portugal", "Argentina"}),
    ("The deal angered regional rival Venezuela, officials said.", {"Venezuela"}),
])
def test_a_country_addressed_or_named_as_an_ally_is_a_state_actor(extractor, text: str, states: set[str]) -> None:
    result = extractor.extract("", text)
    assert states <= set(result.actors)
    assert all(result.actor_types[s] == "state" for s in states)


@pytest.mark.parametrize(("text", "place"), [
    ("The prime minister thanked rescuers in Norway for their work.", "Norway"),
    ("The army's allies in Portugal held a rally on Sunday.", "Portugal"),
    ("Officials praised the harvest across Kenya this year.", "Kenya"),
])
def test_a_country_after_a_preposition_stays_a_place(extractor, text: str, place: str) -> None:
    result = extractor.extract("", text)
    assert place not in result.actors
    assert place in result.countries
