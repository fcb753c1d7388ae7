"""Our counts next to the paper's published figures (paper_figures.csv names the passage of each).

Definitions (also in the README): an *interaction* is one row of events.csv (one PRC official × one counterpart
country or organisation × one meeting); an *event* is one event_key; a *bilateral meeting* is a row with format
`bilateral` (standalone) or `sideline-bilateral` (held beside a multilateral event). The window is inclusive and
applies to the meeting date; undated rows are left out whenever a date bound applies.
"""

from __future__ import annotations

import csv
from pathlib import Path

from gsi_explorer.data import series as series_mod
from gsi_explorer.data.query import Filters, where_clause

FIGURES_FILE = Path(__file__).with_name("paper_figures.csv")
BILATERAL = "i.format IN ('bilateral', 'sideline-bilateral')"

# id -> (definition shown to users, SQL over the filtered interactions `i`)
MEASURES: dict[str, tuple[str, str]] = {
    "interactions": ("rows in the window", "count(*)"),
    "events": ("distinct event_key in the window", "count(DISTINCT i.event_key)"),
    "mps_interactions": ("rows with cn_agency = MPS", "count(*) FILTER (WHERE i.cn_agency = 'MPS')"),
    "mps_events": ("events with an MPS row", "count(DISTINCT i.event_key) FILTER (WHERE i.cn_agency = 'MPS')"),
    "cplc_interactions": ("rows with cn_agency = CPLC", "count(*) FILTER (WHERE i.cn_agency = 'CPLC')"),
    "cplc_events": ("events with a CPLC row", "count(DISTINCT i.event_key) FILTER (WHERE i.cn_agency = 'CPLC')"),
    "mss_events": ("events with an MSS row (any rank)",
                   "count(DISTINCT i.event_key) FILTER (WHERE i.cn_agency = 'MSS')"),
    "bilateral_meetings": ("bilateral + sideline-bilateral rows", f"count(*) FILTER (WHERE {BILATERAL})"),
    "bilateral_countries": ("distinct countries (not organisations) in bilateral rows",
                            f"count(DISTINCT i.counterpart) FILTER (WHERE {BILATERAL} "
                            f"AND i.counterpart_kind = 'country')"),
    "standalone_bilaterals": ("rows with format = bilateral", "count(*) FILTER (WHERE i.format = 'bilateral')"),
    "sideline_bilaterals": ("rows with format = sideline-bilateral",
                            "count(*) FILTER (WHERE i.format = 'sideline-bilateral')"),
    "share_southeast_asia": ("Southeast Asia (ASEAN-10 + Timor-Leste) rows / all bilateral rows (organisations "
                             "in the denominator), %",
                             f"100.0 * count(*) FILTER (WHERE {BILATERAL} AND i.region = 'Southeast Asia') "
                             f"/ nullif(count(*) FILTER (WHERE {BILATERAL}), 0)"),
    "share_central_asia": ("Central Asia (5 republics) rows / all bilateral rows, %",
                           f"100.0 * count(*) FILTER (WHERE {BILATERAL} AND i.region = 'Central Asia') "
                           f"/ nullif(count(*) FILTER (WHERE {BILATERAL}), 0)"),
    "russia_bilateral": ("bilateral + sideline rows with Russia",
                         f"count(*) FILTER (WHERE {BILATERAL} AND i.counterpart = 'Russia')"),
    "russia_multilateral": ("multilateral events with a named Russia row (group placeholders not counted)",
                            "count(DISTINCT i.event_key) FILTER (WHERE i.format = 'multilateral' "
                            "AND i.counterpart = 'Russia')"),
    "russia_multilateral_groups": ("multilateral events with a Russia row or an SCO/BRICS group row (members "
                                   "not listed one by one; Russia presumably present)",
                                   "count(DISTINCT i.event_key) FILTER (WHERE i.format = 'multilateral' AND "
                                   "i.counterpart IN ('Russia', 'SCO member states', 'BRICS member states', "
                                   "'SCO RATS'))"),
    "wang_2023": ("Wang Xiaohong's rows dated in 2023 (window ignored)", None),
    "lianyungang_meetings": ("MPS events dated (to the day) within GPSCFL 2024 ± 7 days (window ignored)", None),
    "lianyungang_share": ("MPS rows dated within GPSCFL 2024 ± 7 days / all 2024 rows, % (window ignored)", None),
}


def paper_figures() -> list[dict]:
    with FIGURES_FILE.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        r["paper"] = float(r["paper"])
        r["paragraph"] = int(r["paragraph"])
    return rows


def compute(store, date_from: str | None, date_to: str | None, include_low: bool = True) -> list[dict]:
    """One dict per paper figure: id, measure, paper, ours, ratio (ours/paper), unit, definition, pointer."""
    base = Filters()
    if not include_low:
        base = base.with_values("confidence", ("high", "medium"))
    windowed = base.with_dates(date_from, date_to)
    where, params = where_clause(windowed)
    ids = [k for k, (_, sql) in MEASURES.items() if sql]
    _, rows = store._run(f"SELECT {', '.join(MEASURES[k][1] for k in ids)} FROM interactions i WHERE {where}",
                         params)
    ours: dict[str, float | None] = dict(zip(ids, rows[0]))
    where_all, params_all = where_clause(base)
    _, w = store._run(f"SELECT count(*) FROM interactions i WHERE {where_all} AND i.year = 2023 "
                      f"AND i.cn_official = 'Wang Xiaohong'", params_all)
    ours["wang_2023"] = w[0][0]
    window = series_mod.forum_window(store)
    if window is None:
        ours["lianyungang_meetings"] = ours["lianyungang_share"] = None
    else:
        _, lw = store._run(
            f"SELECT count(DISTINCT i.event_key) FILTER (WHERE {series_mod.AROUND_FORUM}), "
            f"count(*) FILTER (WHERE {series_mod.AROUND_FORUM}), count(*) FILTER (WHERE i.year = 2024) "
            f"FROM interactions i WHERE {where_all}", [*window, *window, *params_all])
        meetings, around, total_2024 = lw[0]
        ours["lianyungang_meetings"] = meetings
        ours["lianyungang_share"] = 100.0 * around / total_2024 if total_2024 else None
    out = []
    for fig in paper_figures():
        value = ours.get(fig["id"])
        if value is not None and fig["unit"] == "percent":
            value = round(float(value), 1)
        elif value is not None:
            value = int(value)
        out.append({
            "id": fig["id"], "measure": fig["measure"], "paper": fig["paper"], "ours": value,
            "ratio": round(value / fig["paper"], 2) if value is not None and fig["paper"] else None,
            "unit": fig["unit"], "definition": MEASURES.get(fig["id"], ("", None))[0],
            "pointer": f"{fig['section']} ¶{fig['paragraph']}: \u201c{fig['quote']}\u201d",
            "section": fig["section"], "paragraph": fig["paragraph"], "quote": fig["quote"],
            "include_low": include_low,
        })
    return out


def merge_without_low(with_low: list[dict], without_low: list[dict]) -> list[dict]:
    """Put the figures without low-confidence rows beside the full ones (same order, same ids)."""
    nl = {r["id"]: r for r in without_low}
    merged = []
    for r in with_low:
        m = {k: v for k, v in r.items() if k != "include_low"}
        m["ours_no_low"] = nl[r["id"]]["ours"]
        m["ratio_no_low"] = nl[r["id"]]["ratio"]
        merged.append(m)
    return merged


def _fmt(value, unit: str) -> str:
    if value is None:
        return "–"
    if unit == "percent":
        return f"{value:.1f} %"
    return f"{value:g}"


def print_table(rows: list[dict], date_from: str | None, date_to: str | None, no_low_only: bool = False) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Our data vs the paper, {date_from or 'start'} … {date_to or 'end'}", title_justify="left")
    table.add_column("measure", overflow="fold")
    table.add_column("paper", justify="right")
    if not no_low_only:
        table.add_column("ours", justify="right")
        table.add_column("ours/paper", justify="right")
    table.add_column("w/o low", justify="right")
    table.add_column("ours/paper", justify="right")
    table.add_column("¶", justify="right")
    for r in rows:
        cells = [r["measure"], _fmt(r["paper"], r["unit"])]
        if not no_low_only:
            cells += [_fmt(r["ours"], r["unit"]), "–" if r["ratio"] is None else f"{r['ratio']:.2f}"]
        cells += [_fmt(r["ours_no_low"], r["unit"]),
                  "–" if r["ratio_no_low"] is None else f"{r['ratio_no_low']:.2f}", str(r["paragraph"])]
        table.add_row(*cells)
    console = Console()
    console.print(table)
    console.print("Where the paper says it (¶ = paragraph of corpus/paper.txt):")
    seen = set()
    for r in rows:
        if (r["paragraph"], r["quote"]) not in seen:
            seen.add((r["paragraph"], r["quote"]))
            console.print(f"  ¶{r['paragraph']} {r['section']}: \u201c{r['quote']}\u201d", highlight=False,
                          soft_wrap=True)
    console.print("ours/paper = ratio; 'w/o low' drops rows with confidence = low; undated rows are outside any dated "
                  "window. Definitions: `gsi-explorer stats --json` (field 'definition').", highlight=False)
