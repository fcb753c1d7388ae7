"""Controlled vocabularies of events.csv (SCHEMA.md, CURATION.md); validation and facets share them."""

from __future__ import annotations

COLUMNS = (
    "event_key", "date", "date_precision", "cn_official", "cn_title", "cn_agency", "cn_rank",
    "counterpart_country", "counterpart_org", "counterpart_name", "counterpart_title", "format", "host_event",
    "city", "host_country", "mode", "topics", "source_url", "source_publisher", "source_date", "summary",
    "notes", "confidence",
)
REQUIRED = ("event_key", "cn_agency", "cn_rank", "format", "mode", "source_url", "confidence")

AGENCIES = ("MPS", "MSS", "CPLC", "MOJ", "SPP", "SPC")
RANKS = ("minister", "executive-vice-minister", "vice-minister", "assistant-minister", "commission-head", "other")
FORMATS = ("bilateral", "sideline-bilateral", "multilateral")
MODES = ("in-person", "video")
PRECISIONS = ("day", "month", "year")
CONFIDENCE = ("high", "medium", "low")
BILATERAL_FORMATS = ("bilateral", "sideline-bilateral")

TOPICS = (
    "counterterrorism", "counternarcotics", "telecom fraud", "online gambling", "transnational crime",
    "human trafficking", "cybersecurity", "political security", "judicial cooperation", "extradition and fugitives",
    "immigration", "border control", "belt and road security", "protection of chinese citizens", "joint patrols",
    "one-china", "gsi", "ggi", "equipment assistance", "intelligence", "police training",
    "law enforcement capacity building", "major event security", "multilateral cooperation", "regional security",
    "bilateral relations", "social governance", "law enforcement cooperation", "security cooperation",
)
MAX_TOPICS = 7
MAX_SUMMARY_WORDS = 40
UNDATED_PREFIX = "undated-"

# Words people use in questions for coded values (vocabulary() for question routing).
RANK_ALIASES = {
    "minister": ["minister", "ministerial", "ministers", "state councilor", "top cop"],
    "executive-vice-minister": ["executive vice minister", "executive vice-minister", "first vice minister"],
    "vice-minister": ["vice minister", "vice-minister", "deputy minister", "vice ministers", "vice-ministerial"],
    "assistant-minister": ["assistant minister", "assistant ministers"],
    "commission-head": ["commission head", "head of the commission", "cplc head", "political-legal chief",
                        "security chief", "secretary of the political and legal affairs commission"],
    "other": ["other rank", "below assistant minister", "unnamed official"],
}
FORMAT_ALIASES = {
    "bilateral": ["bilateral", "standalone bilateral", "one-on-one", "bilateral meeting", "bilaterals"],
    "sideline-bilateral": ["sideline", "sidelines", "sideline bilateral", "on the sidelines", "on the margins",
                           "margins", "side meeting", "sideline meeting"],
    "multilateral": ["multilateral", "multilateral meeting", "multilateral meetings", "summit"],
}
MODE_ALIASES = {
    "in-person": ["in person", "in-person", "face to face", "face-to-face"],
    "video": ["video", "video call", "video link", "videoconference", "virtual meeting", "online meeting"],
}
AGENCY_ALIASES = {
    "MPS": ["MPS", "Ministry of Public Security", "public security ministry", "police ministry", "公安部"],
    "MSS": ["MSS", "Ministry of State Security", "state security ministry", "intelligence ministry", "国家安全部"],
    "CPLC": ["CPLC", "Central Political-Legal Commission", "Central Political and Legal Affairs Commission",
             "political-legal commission", "Zhengfawei", "中央政法委"],
    "MOJ": ["MOJ", "Ministry of Justice"],
    "SPP": ["SPP", "Supreme People's Procuratorate", "procuratorate"],
    "SPC": ["SPC", "Supreme People's Court"],
}
