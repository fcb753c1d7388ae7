"""Names people use in questions, mapped to the canonical values stored in the database (for question routing)."""

from __future__ import annotations

from gsi_explorer.data import vocab

REGION_ALIASES = {
    "Southeast Asia": ["Southeast Asian", "South-East Asia", "ASEAN countries", "Mekong", "Lancang-Mekong"],
    "Central Asia": ["Central Asian", "C5", "Central Asian republics"],
    "Pacific Islands": ["PICs", "Pacific Island Countries", "Pacific Islands", "South Pacific", "Pacific island"],
    "South Asia": ["South Asian", "subcontinent"],
    "Northeast Asia": ["Northeast Asian", "East Asia"],
    "Africa": ["African", "sub-Saharan Africa"],
    "Middle East and North Africa": ["Middle East", "MENA", "North Africa", "Gulf", "Arab"],
    "Europe": ["European", "Eastern Europe", "Western Europe", "Balkans"],
    "Latin America and the Caribbean": ["Latin America", "Latin American", "Caribbean", "South America",
                                        "Central America", "CELAC"],
    "North America": ["North American"],
    "Oceania": ["Australia and New Zealand"],
    "International organisation": ["international organization", "international organisations", "organisations",
                                   "multilateral organisation"],
}


# Aliases that are also everyday words (a question saying "tell us" is not about the United States).
AMBIGUOUS = {"us", "can", "arm", "ton", "cub", "per", "and", "nor", "mar", "jam", "chad"}


def build(store) -> dict[str, dict[str, list[str]]]:
    """facet -> canonical value -> aliases (the canonical value itself first). Only values present in the data
    are listed for countries, officials and forums, so a router never proposes a filter that matches nothing."""
    out: dict[str, dict[str, list[str]]] = {}
    rows = store._rows(
        "SELECT c.name, c.alias_list, c.demonym_list, c.iso3 FROM countries c "
        "WHERE c.name IN (SELECT DISTINCT counterpart FROM interactions) ORDER BY c.name")
    out["country"] = {r["name"]: _dedupe([a for a in [r["name"], *(r["alias_list"] or []), *(r["demonym_list"] or [])]
                                          if a != r["iso3"] and a.lower() not in AMBIGUOUS])
                      for r in rows}
    present_regions = {r["region"] for r in store._rows("SELECT DISTINCT region FROM interactions "
                                                        "WHERE region IS NOT NULL")}
    out["region"] = {reg: _dedupe([reg, *REGION_ALIASES.get(reg, [])]) for reg in sorted(present_regions)}
    sub = store._rows("SELECT DISTINCT region, subregion FROM interactions WHERE subregion IS NOT NULL "
                      "AND subregion <> region AND region <> 'International organisation'")
    out["subregion"] = {r["subregion"]: [r["subregion"]] for r in sub}
    offs = store._rows(
        "SELECT i.cn_official AS name, any_value(o.name_zh) AS zh, any_value(o.alias_list) AS aliases "
        "FROM interactions i LEFT JOIN officials o ON o.name = i.cn_official WHERE i.cn_official IS NOT NULL "
        "GROUP BY 1 ORDER BY 1")
    out["official"] = {}
    for r in offs:
        family = r["name"].split()[0]
        given = " ".join(r["name"].split()[1:])
        aliases = [r["name"], *(r["aliases"] or []), r["zh"] or "", f"{given} {family}".strip()]
        out["official"][r["name"]] = _dedupe(aliases)
    forums = store._rows(
        "SELECT f.host_event, f.forum, f.acronym, f.alias_list FROM forums f "
        "WHERE f.host_event IN (SELECT DISTINCT host_event FROM interactions) ORDER BY 1")
    out["host_event"] = {r["host_event"]: _dedupe([r["host_event"], r["forum"], r["acronym"] or "",
                                                   *(r["alias_list"] or [])]) for r in forums}
    out["forum"] = {}
    for r in forums:
        out["forum"].setdefault(r["forum"], _dedupe([r["forum"], r["acronym"] or "", *(r["alias_list"] or [])]))
    out["agency"] = {k: _dedupe([k, *v]) for k, v in vocab.AGENCY_ALIASES.items()}
    out["rank"] = {k: _dedupe([k, *v]) for k, v in vocab.RANK_ALIASES.items()}
    out["format"] = {k: _dedupe([k, *v]) for k, v in vocab.FORMAT_ALIASES.items()}
    out["mode"] = {k: _dedupe([k, *v]) for k, v in vocab.MODE_ALIASES.items()}
    out["topic"] = {t: [t] for t in vocab.TOPICS}
    out["confidence"] = {c: [c, f"{c} confidence"] for c in vocab.CONFIDENCE}
    return out


def _dedupe(items: list[str]) -> list[str]:
    seen, out = set(), []
    for it in items:
        if it and it.lower() not in seen:
            seen.add(it.lower())
            out.append(it)
    return out
