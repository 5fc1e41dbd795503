"""The village store (`places._VillageStore`): one flat file every process maps instead of
unpickling per-country tables. It must answer exactly what the tables it was built from hold,
in their order, and never let one key's entries answer for another's.

Real gazetteer entries; the store is encoded and read back as the gazetteer does.
"""
from __future__ import annotations

import pickle

import pytest

from index.entities.places import _BY_KEY, _BY_SKELETON, _MinorTable, _skeleton, _VillageStore, name_key


def _tables_from(gaz, countries: list[str], per_country: int) -> dict[str, _MinorTable]:
    """Small real tables: the first villages of some countries, as `Gazetteer._build_minor` lays them out."""
    tables = {}
    for country in countries:
        whole = gaz.minor(country)
        keys = sorted(whole.by_key)[:per_country]
        table = _MinorTable({k: whole.by_key[k] for k in keys}, {})
        for key in keys:
            for entry in whole.by_key[key]:
                bucket = table.by_skeleton.setdefault(_skeleton(key), [])
                if entry not in bucket:
                    bucket.append(entry)
        tables[gaz.country_codes[country]] = table
    return tables


def test_the_store_answers_what_its_tables_hold_in_their_order(gaz):
    countries = ["Syria", "Iraq", "United States"]
    tables = _tables_from(gaz, countries, 300)
    store = _VillageStore(_VillageStore.encode(tables))
    by_code = {gaz.country_codes[c]: c for c in countries}
    checked = 0
    for code, table in tables.items():
        for kind, by in ((_BY_KEY, table.by_key), (_BY_SKELETON, table.by_skeleton)):
            for key, entries in by.items():
                assert store.lookup(code, by_code[code], kind, key) == entries, (code, kind, key)
                checked += 1
    assert checked > 900
    # a key of one country is not another's, and a name key is not a skeleton
    syria, iraq = gaz.country_codes["Syria"], gaz.country_codes["Iraq"]
    only_syrian = next(k for k in tables[syria].by_key if k not in tables[iraq].by_key
                       and k not in tables[syria].by_skeleton)
    assert store.lookup(iraq, "Iraq", _BY_KEY, only_syrian) == []
    assert store.lookup(syria, "Syria", _BY_SKELETON, only_syrian) == []
    assert store.lookup(syria, "Syria", _BY_KEY, name_key("Qarvoun Zorvanli")) == []
    # and the whole-country view (for inspection) is the table itself
    assert store.table(syria, "Syria") == tables[syria]


def test_the_gazetteer_reads_villages_from_the_store_and_pickles_without_it(gaz):
    table = gaz.minor("Syria")
    key = next(k for k, entries in sorted(table.by_key.items()) if len(entries) == 1)
    assert gaz.villages("Syria", key) == table.by_key[key]
    assert gaz.villages_like("Syria", _skeleton(key))  # its skeleton reaches it too
    assert gaz.villages("Atlantis", key) == []  # a name of ours with no GeoNames country
    copy = pickle.loads(pickle.dumps(gaz))  # the mapped file is not pickled; the copy maps its own
    assert copy.villages("Syria", key) == table.by_key[key]


def test_a_damaged_store_is_refused(tmp_path):
    with pytest.raises(ValueError):
        _VillageStore(b"\x80\x05 not a village store at all")
    good = _VillageStore.encode({"ZZ": _MinorTable({}, {})})
    assert _VillageStore(good).lookup("ZZ", "Nowhere", _BY_KEY, "anything") == []
