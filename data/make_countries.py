"""Regenerate countries.csv: ISO names and codes from pycountry, grouped into the study's regions.

Run `python -m gsi_explorer.data.make_countries` after changing the region lists or names below.
Canonical names are the English short names used in events.csv; pycountry's names become aliases.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

# Region -> subregion -> ISO 3166 alpha-3 codes. Southeast Asia = ASEAN-10 + Timor-Leste; Central Asia = the five
# former Soviet republics; East Africa = the EAPCCO members south of Egypt (the China-East Africa dialogue's scope).
REGIONS: dict[str, dict[str, str]] = {
    "Southeast Asia": {"Mainland Southeast Asia": "KHM LAO MMR THA VNM",
                       "Maritime Southeast Asia": "BRN IDN MYS PHL SGP TLS"},
    "Central Asia": {"Central Asia": "KAZ KGZ TJK TKM UZB"},
    "Pacific Islands": {"Melanesia": "FJI PNG SLB VUT NCL",
                        "Micronesia": "FSM KIR MHL NRU PLW GUM MNP",
                        "Polynesia": "COK NIU TON TUV WSM ASM PYF WLF TKL PCN"},
    "South Asia": {"South Asia": "AFG BGD BTN IND MDV NPL PAK LKA IOT"},
    "Northeast Asia": {"Northeast Asia": "CHN HKG MAC TWN JPN KOR PRK MNG"},
    "Africa": {"East Africa": "BDI COM DJI ERI ETH KEN RWA SYC SOM SSD SDN TZA UGA",
               "West Africa": "BEN BFA CPV CIV GMB GHA GIN GNB LBR MLI MRT NER NGA SEN SLE TGO SHN",
               "Central Africa": "CMR CAF TCD COG COD GNQ GAB STP",
               "Southern Africa": "AGO BWA LSO MDG MWI MUS MOZ NAM ZAF SWZ ZMB ZWE REU MYT"},
    "Middle East and North Africa": {"North Africa": "DZA EGY LBY MAR TUN ESH",
                                     "Middle East": "BHR IRN IRQ ISR JOR KWT LBN OMN PSE QAT SAU SYR TUR ARE YEM"},
    "Europe": {"Western Europe": "AND AUT BEL CHE DEU FRA GBR IRL LIE LUX MCO NLD "
                                 "DNK FIN ISL NOR SWE FRO ALA SJM GGY JEY IMN",
               "Southern Europe": "ALB BIH CYP ESP GIB GRC HRV ITA MKD MLT MNE PRT SMR SRB SVN VAT",
               "Central and Eastern Europe": "BGR CZE EST HUN LTU LVA POL ROU SVK BLR MDA UKR RUS",
               "Caucasus": "ARM AZE GEO"},
    "Latin America and the Caribbean": {
        "South America": "ARG BOL BRA CHL COL ECU GUY PRY PER SUR URY VEN GUF FLK SGS",
        "Central America": "BLZ CRI SLV GTM HND MEX NIC PAN",
        "Caribbean": "ATG BHS BRB CUB DMA DOM GRD HTI JAM KNA LCA VCT TTO ABW AIA BES BLM CUW CYM GLP MAF MSR "
                     "MTQ PRI SXM TCA VGB VIR"},
    "North America": {"North America": "USA CAN BMU GRL SPM UMI"},
    "Oceania": {"Australia and New Zealand": "AUS NZL NFK CXR CCK HMD"},
    "Other": {"Antarctica": "ATA BVT ATF"},
}

# Canonical short names where events.csv (or common English usage) differs from pycountry's name.
CANONICAL = {
    "VNM": "Vietnam", "RUS": "Russia", "KOR": "South Korea", "PRK": "North Korea", "LAO": "Laos", "IRN": "Iran",
    "COD": "DR Congo", "COG": "Republic of the Congo", "CPV": "Cabo Verde", "TZA": "Tanzania", "SYR": "Syria",
    "BOL": "Bolivia", "VEN": "Venezuela", "MDA": "Moldova", "TWN": "Taiwan", "BRN": "Brunei", "FSM": "Micronesia",
    "PSE": "Palestine", "CZE": "Czechia", "TUR": "Türkiye", "CIV": "Côte d'Ivoire", "GBR": "United Kingdom",
    "USA": "United States", "MMR": "Myanmar", "MKD": "North Macedonia", "SWZ": "Eswatini", "VAT": "Vatican City",
    "TLS": "Timor-Leste", "HKG": "Hong Kong", "MAC": "Macao", "NLD": "Netherlands",
}
EXTRA_ALIASES = {
    "USA": "US; U.S.; USA; America", "GBR": "UK; Britain; Great Britain", "RUS": "Russian Federation",
    "KOR": "Republic of Korea; ROK; Korea", "PRK": "DPRK", "COD": "DRC; Congo-Kinshasa; Democratic Republic of Congo",
    "COG": "Congo-Brazzaville; Congo", "MMR": "Burma", "TLS": "East Timor", "CPV": "Cape Verde", "LAO": "Lao PDR",
    "TUR": "Turkey", "CIV": "Ivory Coast", "ARE": "UAE; Emirates", "CZE": "Czech Republic", "SWZ": "Swaziland",
    "PNG": "PNG", "VNM": "Viet Nam", "CHN": "PRC; People's Republic of China", "NLD": "Holland",
    "BIH": "Bosnia", "KGZ": "Kyrgyz Republic", "SAU": "KSA",
}
DEMONYMS = {
    "VNM": "Vietnamese", "RUS": "Russian", "KOR": "South Korean; Korean", "PRK": "North Korean", "LAO": "Lao; Laotian",
    "IRN": "Iranian", "COD": "Congolese", "CPV": "Cabo Verdean; Cape Verdean", "TZA": "Tanzanian",
    "USA": "American", "MMR": "Myanmar; Burmese", "THA": "Thai", "KHM": "Cambodian; Khmer", "MYS": "Malaysian",
    "SGP": "Singaporean", "IDN": "Indonesian", "PHL": "Philippine; Filipino", "BRN": "Bruneian",
    "TLS": "Timorese", "KAZ": "Kazakh; Kazakhstani", "KGZ": "Kyrgyz", "TJK": "Tajik", "TKM": "Turkmen",
    "UZB": "Uzbek", "SLB": "Solomon Islander", "FJI": "Fijian", "PNG": "Papua New Guinean", "VUT": "Ni-Vanuatu",
    "KIR": "I-Kiribati", "TON": "Tongan", "WSM": "Samoan", "NRU": "Nauruan", "COK": "Cook Islander",
    "PAK": "Pakistani", "IND": "Indian", "NPL": "Nepali; Nepalese", "MDV": "Maldivian", "BGD": "Bangladeshi",
    "LKA": "Sri Lankan", "AFG": "Afghan", "JPN": "Japanese", "MNG": "Mongolian", "CHN": "Chinese",
    "ZAF": "South African", "EGY": "Egyptian", "ETH": "Ethiopian", "SDN": "Sudanese", "SSD": "South Sudanese",
    "BDI": "Burundian", "KEN": "Kenyan", "SOM": "Somali", "ZMB": "Zambian", "ZWE": "Zimbabwean",
    "MOZ": "Mozambican", "BWA": "Botswanan; Motswana", "NGA": "Nigerian", "RWA": "Rwandan", "UGA": "Ugandan",
    "SAU": "Saudi", "ARE": "Emirati", "QAT": "Qatari", "JOR": "Jordanian", "TUR": "Turkish", "IRQ": "Iraqi",
    "SRB": "Serbian", "HUN": "Hungarian", "ITA": "Italian", "FRA": "French", "BLR": "Belarusian",
    "ARM": "Armenian", "GEO": "Georgian", "AZE": "Azerbaijani", "DEU": "German", "GBR": "British",
    "CUB": "Cuban", "NIC": "Nicaraguan", "BRA": "Brazilian", "GUY": "Guyanese", "SUR": "Surinamese",
    "VEN": "Venezuelan", "MEX": "Mexican", "ARG": "Argentine", "AUS": "Australian", "NZL": "New Zealand",
    "CAN": "Canadian",
}
# International organisations that appear as counterparts: (name, aliases, subregion = their scope).
ORGANISATIONS = [
    ("Interpol", "INTERPOL; International Criminal Police Organization; ICPO", "Global"),
    ("UNODC", "United Nations Office on Drugs and Crime", "Global"),
    ("SCO member states", "SCO members", "Shanghai Cooperation Organisation"),
    ("SCO Secretariat", "Shanghai Cooperation Organisation Secretariat", "Shanghai Cooperation Organisation"),
    ("SCO RATS", "RATS; Regional Anti-Terrorist Structure", "Shanghai Cooperation Organisation"),
    ("BRICS member states", "BRICS", "BRICS"),
    ("ASEAN", "Association of Southeast Asian Nations; ASEAN Secretariat", "Southeast Asia"),
    ("EAPCCO", "Eastern Africa Police Chiefs Cooperation Organisation", "East Africa"),
    ("East African Court of Justice", "EACJ", "East Africa"),
    ("African Institute of International Law", "AIIL", "Africa"),
    ("Europol", "European Union Agency for Law Enforcement Cooperation", "Europe"),
    ("AFRIPOL", "African Union Mechanism for Police Cooperation", "Africa"),
    ("ASEANAPOL", "ASEAN Chiefs of Police", "Southeast Asia"),
    ("CSTO", "Collective Security Treaty Organization", "Eurasia"),
]
ORG_REGION = "International organisation"
HEADER = ("name", "iso3", "kind", "region", "subregion", "aliases", "demonyms")


def build_rows() -> list[tuple[str, ...]]:
    import pycountry

    where = {code: (region, sub) for region, subs in REGIONS.items() for sub, codes in subs.items()
             for code in codes.split()}
    rows = []
    for c in pycountry.countries:
        code = c.alpha_3
        name = CANONICAL.get(code) or getattr(c, "common_name", None) or c.name
        aliases = [getattr(c, "common_name", None), c.name, getattr(c, "official_name", None), c.alpha_3]
        aliases += EXTRA_ALIASES.get(code, "").split(";")
        seen, clean = {name.lower()}, []
        for a in (a.strip() for a in aliases if a):
            if a and a.lower() not in seen:
                seen.add(a.lower())
                clean.append(a)
        region, sub = where.get(code, ("Other", "Other"))
        rows.append((name, code, "country", region, sub, "; ".join(clean), DEMONYMS.get(code, "")))
    rows.sort(key=lambda r: r[0])
    rows += [(n, "", "organisation", ORG_REGION, sub, aliases, "") for n, aliases, sub in ORGANISATIONS]
    return rows


def main(out: Path | None = None) -> int:
    import pycountry

    out = out or Path(__file__).with_name("countries.csv")
    listed = {code for subs in REGIONS.values() for codes in subs.values() for code in codes.split()}
    known = {c.alpha_3 for c in pycountry.countries}
    if listed - known:
        print(f"unknown codes in REGIONS: {sorted(listed - known)}", file=sys.stderr)
        return 1
    if known - listed:
        print(f"codes with no region (filed under Other): {sorted(known - listed)}", file=sys.stderr)
    rows = build_rows()
    with out.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(HEADER)
        w.writerows(rows)
    print(f"wrote {len(rows)} rows to {out} (pycountry {getattr(pycountry, '__version__', '?')})")
    return 0


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Regenerate countries.csv from pycountry and the region lists.")
    parser.add_argument("out", nargs="?", type=Path, help="where to write (default: countries.csv next to this file)")
    raise SystemExit(main(parser.parse_args().out))
