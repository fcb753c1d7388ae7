"""A small, hand-checked events.csv for loader, facet and stats tests (counts worked out in the comments)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from gsi_explorer.data.vocab import COLUMNS


def row(**kw) -> dict[str, str]:
    base = {c: "" for c in COLUMNS}
    base.update(cn_agency="MPS", cn_rank="minister", cn_official="Wang Xiaohong", format="bilateral",
                mode="in-person", confidence="high", date_precision="day", topics="counterterrorism",
                source_url="https://example.org/a", summary="Short summary.")
    base.update(kw)
    return base


# 9 rows, 7 events.  In the window 2022-06-01..2025-07-31: rows 1-8 (row 9 is 2025-09, undated row 7 excluded).
ROWS = [
    # 1 standalone bilateral, Vietnam (Southeast Asia), 2023
    row(event_key="2023-03-01-wang-xiaohong-vietnam", date="2023-03-01", counterpart_country="Vietnam",
        topics="telecom fraud; online gambling", counterpart_name="To Lam"),
    # 2 sideline bilateral, Kazakhstan (Central Asia), 2024, at GPSCFL 2024
    row(event_key="2024-09-09-wang-xiaohong-kazakhstan", date="2024-09-09", counterpart_country="Kazakhstan",
        format="sideline-bilateral", host_event="GPSCFL 2024", city="Lianyungang", host_country="China"),
    # 3-5 one multilateral event with three counterparts (Russia, Kazakhstan, SCO RATS), low confidence on Russia
    row(event_key="2024-09-10-sco-meeting", date="2024-09-10", counterpart_country="Russia", format="multilateral",
        host_event="SCO RATS Council Meeting 2024", city="Beijing", host_country="China", confidence="low",
        topics="counterterrorism; regional security"),
    row(event_key="2024-09-10-sco-meeting", date="2024-09-10", counterpart_country="Kazakhstan",
        format="multilateral", host_event="SCO RATS Council Meeting 2024", city="Beijing", host_country="China"),
    row(event_key="2024-09-10-sco-meeting", date="2024-09-10", counterpart_org="SCO RATS", format="multilateral",
        host_event="SCO RATS Council Meeting 2024", city="Beijing", host_country="China"),
    # 6 CPLC bilateral with Russia, month precision, 2023
    row(event_key="2023-05-01-chen-wenqing-russia", date="2023-05-01", date_precision="month",
        cn_official="Chen Wenqing", cn_agency="CPLC", cn_rank="commission-head", counterpart_country="Russia",
        mode="video", topics="political security"),
    # 7 undated MSS row, low confidence
    row(event_key="undated-chen-yixin-laos", date="", date_precision="", cn_official="Chen Yixin", cn_agency="MSS",
        counterpart_country="Laos", confidence="low", topics="intelligence"),
    # 8 MSS bilateral Thailand 2022-06-01 (first day of the window), medium
    row(event_key="2022-06-01-chen-yixin-thailand", date="2022-06-01", cn_official="Chen Yixin", cn_agency="MSS",
        counterpart_country="Thailand", confidence="medium", topics="intelligence; counternarcotics"),
    # 9 after the window
    row(event_key="2025-09-15-wang-xiaohong-fiji", date="2025-09-15", counterpart_country="Fiji",
        topics="police training"),
]
# Hand counts, window 2022-06-01..2025-07-31 (rows 7 undated and 9 after the window fall outside):
#   7 interactions / 5 events; MPS 5 / 2... see EXPECTED_STATS.
EXPECTED_STATS = {  # id -> (with low-confidence rows, without them)
    "interactions": (7, 6),           # rows 1,2,3,4,5,6,8 ; without row 3
    "events": (5, 5),                 # e1, e2, sco, e6, e8 (sco keeps rows 4,5)
    "mps_interactions": (5, 4),       # rows 1-5
    "mps_events": (3, 3),             # e1, e2, sco
    "cplc_interactions": (1, 1),      # row 6
    "cplc_events": (1, 1),
    "mss_events": (1, 1),             # row 8 (row 7 undated)
    "bilateral_meetings": (4, 4),     # rows 1, 2, 6, 8
    "bilateral_countries": (4, 4),    # Vietnam, Kazakhstan, Russia, Thailand
    "standalone_bilaterals": (3, 3),  # rows 1, 6, 8
    "sideline_bilaterals": (1, 1),    # row 2
    "share_southeast_asia": (50.0, 50.0),  # Vietnam + Thailand of 4
    "share_central_asia": (25.0, 25.0),    # Kazakhstan of 4
    "russia_bilateral": (1, 1),       # row 6
    "russia_multilateral": (1, 0),    # row 3 (low)
    "russia_multilateral_groups": (1, 1),  # the sco event: Russia row 3 (low) or the SCO RATS row 5
    "wang_2023": (1, 1),              # row 1
    "lianyungang_meetings": (2, 2),   # GPSCFL 2024 on 09-09 -> window 09-02..09-16: e2 and sco
    "lianyungang_share": (100.0, 100.0),  # all 2024 rows are MPS rows inside the window
}


def vocab_topics() -> list[str]:
    from gsi_explorer.data.vocab import TOPICS

    return list(TOPICS)


def to_csv(rows: list[dict[str, str]], header: tuple[str, ...] = COLUMNS, newline: str = "\n") -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator=newline)
    w.writerow(header)
    for r in rows:
        w.writerow([r.get(c, "") for c in header])
    return buf.getvalue()


def write(folder: Path, rows: list[dict[str, str]] | None = None, text: str | None = None,
          raw: bytes | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "events.csv"
    if raw is not None:
        path.write_bytes(raw)
    else:
        path.write_text(text if text is not None else to_csv(ROWS if rows is None else rows), encoding="utf-8",
                        newline="")
    return folder
