#!/usr/bin/env python3
"""Writes Lading's illustrative sample dataset: entities.csv, ownership.csv, sanctions.csv,
shipments.csv (in the directory of this script).

Two separate worlds:

* SOURCED: the real companies, their ownership chains, their real sanctions listings and the
  reported shipments, written out literally below (REAL_* tables) from /work/shared/facts.md.
  Source keys [S1]..[S24] are those of facts.md. The shipments are *reported* (who shipped what
  kind of goods to whom, in which window) but their per-row details (exact dates inside the
  window, items, quantities, values, HS codes, record ids) are made up to fit the reported
  pattern; every row's `source` column says which fields are sourced and which are not.
* SYNTHETIC: a fictional trading world (keys `syn-...`, source starting with `synthetic`),
  generated from a fixed seed. No synthetic entity owns, is owned by, or trades with a real one.

Deterministic: Python 3 standard library only, fixed seed, no set/hash-order dependence;
running it twice gives byte-identical files. Run:  python3 sample_data/make_sample.py
It runs check_sample.py on the files it wrote and exits non-zero if a check fails.
"""

import csv
import datetime as dt
import math
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 20230310  # the date of the CNN story

ENTITY_HEADER = ["key", "name", "kind", "country", "state_owned", "aliases", "identifiers",
                 "source"]

# Registry numbers VERIFIED in facts.md (sections 1-8; OFAC UIDs from the SDN files [S4][S5]).
IDENTIFIERS = {
    "china-poly-group": "USCC:911100001000128855",
    "poly-technologies": "USCC:91110000100001529B | OFAC:49446",
    "avic": "USCC:91110000710935732K",
    "rostec": "OGRN:1077799030847 | INN:7704274402",
    "russian-helicopters": "OGRN:1077746003334 | INN:7731559044",
    "ulan-ude-aviation-plant": "OGRN:1020300887793 | INN:0323018510",
    "united-engine-corporation": "OGRN:1107746081717 | INN:7731644035",
    "uec-klimov": "OGRN:1069847546383 | INN:7802375335",
    "uec-umpo": "OGRN:1020202388359 | INN:0273008320",
    "uec-saturn": "OGRN:1027601106169 | INN:7610052644",
    "rosoboronexport": "OGRN:1117746521452 | INN:7718852163 | OFAC:18782",
}
OWNERSHIP_HEADER = ["parent", "child", "share_pct", "start_date", "end_date", "source"]
SANCTION_HEADER = ["entity", "authority", "program", "listed_on", "delisted_on", "reason", "source"]
SHIPMENT_HEADER = ["date", "shipper", "consignee", "part_type", "description", "hs_code",
                   "quantity", "unit", "value_usd", "source_ref", "source"]

PART_TYPES = ["Mi-171E", "Mi-171Sh", "helicopter", "jet engine", "radio", "navigation",
              "aircraft parts", "electronics", "bearings", "machine tools", "other"]

# =============================================================================================
# SOURCED PART (facts.md). Entities: key, name, kind, country, state_owned, aliases, source.
# =============================================================================================

REAL_ENTITIES = [
    ("sasac",
     "State-owned Assets Supervision and Administration Commission of the State Council (SASAC)",
     "state_owner", "CN", True,
     ["国务院国资委", "国务院国有资产监督管理委员会", "SASAC"],
     "facts.md [S17][S10]: supervises China Poly Group (central SOE) and directly owns and "
     "controls AVIC (DoD 1260H note); short name 国务院国资委 VERIFIED [S17]; full English and "
     "Chinese names RECALLED"),
    ("china-poly-group", "China Poly Group Corporation Ltd.", "subsidiary", "CN", True,
     ["中国保利集团有限公司", "中国保利集团公司", "CHINA POLY GROUP CORPORATION", "Poly Group"],
     "facts.md [S17][S2]: names, USCC 911100001000128855, founded 9 Feb 1993, central SOE under "
     "SASAC (VERIFIED)"),
    ("poly-technologies", "Poly Technologies, Inc.", "subsidiary", "CN", True,
     ["保利科技有限公司", "Poly Technologies Incorporated (PTI)",
      "Poly Science and Technology Corporation", "POLY TECHNOLOGIES INC", "POLY TECHNOLOGIES, INC"],
     "facts.md [S8][S2][S12][S7][S5]: names and aliases, USCC 91110000100001529B, Beijing; 100% "
     "subsidiary of China Poly Group [S2] (VERIFIED)"),
    ("avic", "Aviation Industry Corporation of China, Ltd.", "subsidiary", "CN", True,
     ["中国航空工业集团有限公司", "中国航空工业集团公司", "航空工业", "中航工业", "AVIC"],
     "facts.md [S6][S10][S18]: names, USCC 91110000710935732K, formed Nov 2008 (VERIFIED)"),
    ("avic-international", "AVIC International Holding Corporation", "subsidiary", "CN", True,
     ["AVIC INTL", "中航国际", "中国航空技术国际控股有限公司",
      "China National Aero-Technology Import & Export Corporation (CATIC)", "中国航空技术进出口总公司"],
     "facts.md [S1][S18]: English name VERIFIED (CNN usage); 中航国际 VERIFIED (weak); full "
     "Chinese legal name RECALLED; CATIC (中航技) is the predecessor, restructured in 2008"),
    ("rostec",
     "State Corporation Rostec", "state_owner", "RU", True,
     ["Государственная корпорация по содействию разработке, производству и экспорту "
      "высокотехнологичной промышленной продукции «Ростех»",
      "Госкорпорация «Ростех»", "STATE CORPORATION ROSTEC",
      "State Corporation for the Promotion of the Development, Manufacture and Export of High "
      "Technology Products \"Rostec\"", "Ростех"],
     "facts.md [S4][S7][S8]: names, OGRN 1077799030847, INN 7704274402 (VERIFIED); state "
     "corporation created by federal law in 2007 (legal form RECALLED)"),
    ("russian-helicopters", "Russian Helicopters JSC", "subsidiary", "RU", True,
     ["Акционерное общество «Вертолёты России»", "АО «Вертолёты России»", "VERTOLETY ROSSII AO"],
     "facts.md [S8][S4][S23]: names, OGRN 1077746003334, INN 7731559044, part of Rostec (VERIFIED)"),
    ("ulan-ude-aviation-plant", "Joint Stock Company Ulan-Ude Aviation Plant", "plant", "RU", True,
     ["Акционерное общество «Улан-Удэнский авиационный завод»", "АО «У-УАЗ»", "У-УАЗ",
      "AO U-UAZ", "JSC UUAP", "U-UAP JSC", "U-UAP"],
     "facts.md [S4][S8][S9][S20]: names, OGRN 1020300887793, INN 0323018510, Ulan-Ude; builds "
     "Mi-8AMT/Mi-171, Mi-171E and Mi-8AMTSh (VERIFIED)"),
    ("kazan-helicopter-plant", "Kazan Helicopter Plant", "plant", "RU", True,
     ["Казанский вертолётный завод"],
     "facts.md [S4][S8][S23]: subsidiary of Russian Helicopters (VERIFIED); Russian name RECALLED"),
    ("rostvertol", "Rostvertol", "plant", "RU", True,
     ["Роствертол"],
     "facts.md [S4][S8][S23]: subsidiary of Russian Helicopters (VERIFIED); Russian spelling "
     "RECALLED"),
    ("reductor-pm", "Reductor-PM", "plant", "RU", True,
     ["Редуктор-ПМ"],
     "facts.md [S8][S23]: Perm, makes Mi-8/17 gearboxes and transmissions; subsidiary of Russian "
     "Helicopters (VERIFIED); Russian spelling RECALLED"),
    ("united-engine-corporation", "JSC United Engine Corporation", "subsidiary", "RU", True,
     ["Акционерное общество «Объединённая двигателестроительная корпорация»", "АО «ОДК»", "ОДК",
      "AKTSIONERNOE OBSHCHESTVO OBEDINENNAYA DVIGATELESTROITELNAYA KORPORATSIYA", "UEC"],
     "facts.md [S4][S5][S8]: names, OGRN 1107746081717, INN 7731644035, a Rostec subsidiary "
     "(VERIFIED)"),
    ("uec-klimov", "JSC UEC Klimov", "plant", "RU", True,
     ["АО «ОДК-Климов»", "UEC-Klimov"],
     "facts.md [S4][S8][S19][S21]: St Petersburg, OGRN 1069847546383, INN 7802375335; VK-2500, "
     "TV3-117, RD-33, RD-93 (VERIFIED)"),
    ("uec-umpo", "PJSC UEC-UMPO", "plant", "RU", True,
     ["ПАО «ОДК-Уфимское моторостроительное производственное объединение»", "ПАО «ОДК-УМПО»",
      "UEC-UMPO"],
     "facts.md [S21][S8][S4]: Ufa, OGRN 1020202388359, INN 0273008320; AL-31F, AL-41F-1S "
     "(VERIFIED)"),
    ("uec-saturn", "PJSC UEC-Saturn", "plant", "RU", True,
     ["ПАО «ОДК-Сатурн»", "UEC-Saturn"],
     "facts.md [S21][S8][S4]: Rybinsk, INN 7610052644, OGRN 1027601106169; Lyulka design house "
     "(VERIFIED)"),
    ("uec-salyut", "UEC-Salyut (Salyut Gas Turbine Research and Production Center)", "plant",
     "RU", True,
     ["НПЦ газотурбостроения «Салют»", "Salyut"],
     "facts.md [S21]: Moscow, AL-31FN for the J-10, part of UEC (VERIFIED)"),
    ("rosoboronexport", "Rosoboronexport", "subsidiary", "RU", True,
     ["ROSOBORONEKSPORT OAO", "Рособоронэкспорт"],
     "facts.md [S4][S19][S22]: OFAC name, OGRN 1117746521452, INN 7718852163 (VERIFIED); state "
     "arms exporter, part of Rostec (facts.md section 8c heading, no source key); Russian "
     "spelling RECALLED"),
    ("rostec-subsidiary-unnamed-wsj", "Unnamed Rostec subsidiary (WSJ, 24 Oct 2022)",
     "subsidiary", "RU", True,
     [],
     "facts.md [S22] (V-2nd): placeholder for the recipient of the 24 Oct 2022 Su-35 spare parts "
     "shipment, described only as 'a Rostec subsidiary'; not a named company"),
]

# Ownership: parent, child, share_pct, start_date, end_date, source. Parent owns child.
REAL_OWNERSHIP = [
    ("sasac", "china-poly-group", "", "", "",
     "facts.md [S17] (VERIFIED): central SOE supervised by SASAC; share not given"),
    ("china-poly-group", "poly-technologies", "100", "", "",
     "C4ADS Open Secrets [S2] (VERIFIED): 100% wholly-owned subsidiary of Poly Group; [S17]"),
    ("sasac", "avic", "", "", "",
     "DoD 1260H note [S10] (VERIFIED): directly owned and controlled by SASAC; share not given"),
    ("avic", "avic-international", "", "", "",
     "CNN [S1] (V-2nd): 'controlled by' AVIC; percentage not found (RECALLED)"),
    ("rostec", "russian-helicopters", "", "", "",
     "OFAC [S4] 'Linked To: STATE CORPORATION ROSTEC'; RG [S23] (VERIFIED); a 12% RDIF/Middle-East "
     "stake (2017) was exited by Dec 2021 [S23]; share not given"),
    ("russian-helicopters", "ulan-ude-aviation-plant", "", "", "",
     "OFAC [S4] 'Linked To: VERTOLETY ROSSII AO'; [S8][S23] (VERIFIED); share not given"),
    ("russian-helicopters", "kazan-helicopter-plant", "", "", "",
     "facts.md section 6 [S4][S8][S23] (VERIFIED): subsidiary of Russian Helicopters"),
    ("russian-helicopters", "rostvertol", "", "", "",
     "facts.md section 6 [S4][S8][S23] (VERIFIED): subsidiary of Russian Helicopters"),
    ("russian-helicopters", "reductor-pm", "", "", "",
     "facts.md section 6 [S4][S8][S23] (VERIFIED): subsidiary of Russian Helicopters"),
    ("rostec", "united-engine-corporation", "", "", "",
     "EU [S8] (VERIFIED): 'a Rostec subsidiary'"),
    ("united-engine-corporation", "uec-klimov", "", "", "",
     "facts.md sections 8b and 11 [S8][S21]: UEC plant (ОДК-Климов)"),
    ("united-engine-corporation", "uec-umpo", "", "", "",
     "facts.md sections 8b and 11 [S8][S21]: UEC plant (ОДК-УМПО)"),
    ("united-engine-corporation", "uec-saturn", "", "", "",
     "facts.md sections 8b and 11 [S8][S21]: UEC plant (ОДК-Сатурн)"),
    ("united-engine-corporation", "uec-salyut", "", "", "",
     "facts.md section 8b [S21] (VERIFIED): Salyut is part of UEC"),
    ("rostec", "rosoboronexport", "", "", "",
     "facts.md section 8c heading: 'part of Rostec' (no source key given there)"),
    ("rostec", "rostec-subsidiary-unnamed-wsj", "", "", "",
     "WSJ [S22] (V-2nd): recipient described as 'a Rostec subsidiary'"),
]

# Sanctions: entity, authority, program, listed_on, delisted_on, reason, source.
# Only VERIFIED or V-2nd listings from facts.md; V-2nd and RECALLED parts are marked.
REAL_SANCTIONS = [
    # Poly Technologies (section 2)
    ("poly-technologies", "US-State",
     "INKSNA (Iran, North Korea and Syria Nonproliferation Act)", "2013-02-05", "2015-02-05",
     "Transfers involving Iran, North Korea or Syria; two-year procurement, assistance and "
     "export-licence bans. Determination 20 Dec 2012, effective 5 Feb 2013, Federal Register "
     "notice 11 Feb 2013",
     "facts.md [S11] (VERIFIED); delisted_on = end of the two-year term, computed"),
    ("poly-technologies", "US-State",
     "Missile sanctions (AECA sec. 73(a)(2)(B),(C); EAA sec. 11B)", "2022-01-21", "2024-01-21",
     "Missile proliferation. Covers \"Poly Technologies Incorporated (PTI), and its sub-units and "
     "successors\"; two years: denial of USML and ECRA licences, US government contracts, imports",
     "facts.md [S12] (VERIFIED): Federal Register 21 Jan 2022; delisted_on = end of the two-year "
     "term, computed"),
    ("poly-technologies", "OFAC", "SDN", "2024-06-12", "",
     "",
     "C4ADS [S3] (V-2nd): designated 12 Jun 2024; SDN alias file [S5] (VERIFIED, Aug 2025) has UID "
     "49446 'POLY TECHNOLOGIES INC', absent from the SDN file of 2024-05-03 [S4]; program tag "
     "(probably RUSSIA-EO14024) RECALLED, not given here"),
    ("poly-technologies", "EU", "Reg. 269/2014 Annex I (asset freeze)", "2025-05-20", "",
     "\"providing components for military helicopters to Russian companies that are part of "
     "Russia's military and industrial complex\"",
     "EU via OpenSanctions [S8] (VERIFIED)"),
    ("poly-technologies", "UK", "Russia regime (RUS2493)", "2025-02-24", "",
     "Asset freeze, director disqualification, trust services",
     "UK Sanctions List Aug 2025 [S7] (VERIFIED)"),
    # AVIC (section 3)
    ("avic", "OFAC", "NS-CMIC (EO 13959 as amended by EO 14032)", "2021-06-03", "",
     "Chinese military-industrial complex company; effective 2 Aug 2021; divestment date "
     "3 Jun 2022; tagged State-Owned Enterprise",
     "OFAC non-SDN consolidated list, Mar 2025 snapshot [S6] (VERIFIED)"),
    ("avic", "DoD", "Section 1237 list", "2020-06-24", "",
     "In the first list of companies tied to the Chinese military",
     "facts.md [S13b] (VERIFIED)"),
    ("avic", "DoD", "Section 1260H list", "2021-06-03", "",
     "Chinese military company; the table also has start dates 2025-01-07 and 2026-06-08 "
     "(later lists)",
     "OpenSanctions 1260H table [S10] (VERIFIED)"),
    ("avic", "US-BIS", "Military End-User (MEU) List", "2020-12-23", "",
     "First MEU tranche, 85 FR 83793",
     "facts.md [S13] (VERIFIED)"),
    # Rostec (section 5)
    ("rostec", "OFAC", "SSI (EO 13662 Directive 3)", "2014-09-12", "",
     "Sectoral Sanctions Identifications",
     "OFAC SDN remarks [S4] (VERIFIED: Directive 3 tag); listed_on 12 Sep 2014 is RECALLED, "
     "not checked"),
    ("rostec", "OFAC", "SDN (RUSSIA-EO14024)", "2022-06-28", "",
     "Treasury/State action of 28 Jun 2022",
     "OFAC SDN scrapes [S4] (VERIFIED): first in the file of 2022-06-28, absent 2022-06-17; [S16]"),
    ("rostec", "US-BIS", "Military End-User (MEU) List", "2020-12-23", "2022-03-03",
     "First MEU tranche, 85 FR 83793; moved to the Entity List by 87 FR 12226",
     "facts.md [S13][S14] (VERIFIED); delisted_on = publication of 87 FR 12226 (transfer)"),
    ("rostec", "US-BIS", "Entity List", "2022-03-03", "",
     "Transferred from the MEU list with the 45 Russian MEU entities by 87 FR 12226 (published "
     "3 Mar 2022; effective 24 Feb 2022 RECALLED)",
     "facts.md [S14] (VERIFIED)"),
    ("rostec", "EU", "Reg. 833/2014 Annex IV (export restrictions)", "2022-02-25", "",
     "Also named in Annexes XIII and XIX.A (financial restrictions; no dates in the source)",
     "EU via OpenSanctions [S8] (VERIFIED)"),
    ("rostec", "UK", "Russia regime (RUS0238)", "2022-02-24", "",
     "Asset freeze, director disqualification, trust services",
     "UK Sanctions List Aug 2025 [S7] (VERIFIED)"),
    ("rostec", "JP", "METI export ban (MOFA Notice No. 82 of 2022, entry #37)", "2022-03-01", "",
     "",
     "Japan METI Russia list [S9] (VERIFIED); listed_on = the notice's designation date, no "
     "per-entry date shown"),
    # Russian Helicopters (section 6)
    ("russian-helicopters", "OFAC", "SDN (UKRAINE-EO13662, RUSSIA-EO14024)", "2022-03-24", "",
     "",
     "OFAC SDN scrapes [S4] (VERIFIED): first in the file of 2022-03-24, absent 2022-03-21; the "
     "earlier SSI listing is undated in facts.md and not represented"),
    ("russian-helicopters", "US-BIS", "Military End-User (MEU) List", "2020-12-23", "2022-03-03",
     "First MEU tranche, 85 FR 83793; moved to the Entity List by 87 FR 12226",
     "facts.md [S13][S14] (VERIFIED); delisted_on = publication of 87 FR 12226 (transfer)"),
    ("russian-helicopters", "US-BIS", "Entity List", "2022-03-03", "",
     "Transferred from the MEU list by 87 FR 12226",
     "facts.md [S14] (VERIFIED)"),
    ("russian-helicopters", "EU", "Reg. 833/2014 Annex IV (export restrictions)", "2022-02-25",
     "", "",
     "EU via OpenSanctions [S8] (VERIFIED)"),
    ("russian-helicopters", "EU", "Reg. 269/2014 Annex I (asset freeze)", "2022-03-15", "",
     "Reason cites Ka-52 use in Ukraine (paraphrase)",
     "EU via OpenSanctions [S8] (VERIFIED)"),
    ("russian-helicopters", "JP", "METI export ban (MOFA Notice No. 82 of 2022, entry #40)",
     "2022-03-01", "", "",
     "Japan METI Russia list [S9] (VERIFIED); listed_on = the notice's designation date"),
    # Ulan-Ude Aviation Plant (section 7)
    ("ulan-ude-aviation-plant", "OFAC", "SDN (RUSSIA-EO14024)", "2022-03-24", "",
     "Linked To: VERTOLETY ROSSII AO",
     "OFAC SDN scrapes [S4] (VERIFIED): first in the file of 2022-03-24, absent 2022-03-21"),
    ("ulan-ude-aviation-plant", "US-BIS", "Entity List", "2023-05-19", "",
     "", "TASS report of the Commerce rule [S15] (V-2nd)"),
    ("ulan-ude-aviation-plant", "EU", "Reg. 269/2014 Annex I (asset freeze)", "2022-12-16", "",
     "\"manufactured Mi-8AMTSh military transport helicopters which were used by the Russian "
     "Armed Forces\" in Ukraine",
     "EU via OpenSanctions [S8] (VERIFIED)"),
    ("ulan-ude-aviation-plant", "EU", "Reg. 833/2014 Annex IV (export restrictions)",
     "2023-06-23", "", "",
     "EU via OpenSanctions [S8] (VERIFIED)"),
    ("ulan-ude-aviation-plant", "JP", "METI export ban (entry #476)", "2025-09-12", "",
     "Later addition to the list",
     "Japan METI Russia list [S9] (VERIFIED listing); the entry is undated: listed_on is the "
     "list file's update date 2025-09-12, an upper bound"),
    # United Engine Corporation (section 8a)
    ("united-engine-corporation", "OFAC", "SDN (RUSSIA-EO14024)", "2022-06-28", "",
     "",
     "OFAC SDN scrapes [S4] (VERIFIED): first in the file of 2022-06-28, absent 2022-06-17"),
    ("united-engine-corporation", "US-BIS", "Military End-User (MEU) List", "2020-12-23",
     "2022-03-03",
     "First MEU tranche, 85 FR 83793; moved to the Entity List by 87 FR 12226",
     "facts.md [S13][S14] (VERIFIED); delisted_on = publication of 87 FR 12226 (transfer)"),
    ("united-engine-corporation", "US-BIS", "Entity List", "2022-03-03", "",
     "Transferred from the MEU list by 87 FR 12226",
     "facts.md [S14] (VERIFIED)"),
    ("united-engine-corporation", "EU", "Reg. 833/2014 Annex IV (export restrictions)",
     "2022-02-25", "", "",
     "EU via OpenSanctions [S8] (VERIFIED)"),
    ("united-engine-corporation", "EU", "Reg. 269/2014 Annex I (asset freeze)", "2022-04-08", "",
     "Reason cites Klimov engines on Ka-52s used at Hostomel (paraphrase)",
     "EU via OpenSanctions [S8] (VERIFIED)"),
    ("united-engine-corporation", "JP", "METI export ban (MOFA Notice No. 82 of 2022, entry #48)",
     "2022-03-01", "", "",
     "Japan METI Russia list [S9] (VERIFIED); listed_on = the notice's designation date"),
    # Engine plants (section 8b)
    ("uec-klimov", "OFAC", "SDN (RUSSIA-EO14024)", "2022-03-03", "",
     "",
     "OFAC SDN scrapes [S4] (VERIFIED): first in the file of 2022-03-04 02:03 UTC (3 Mar 2022 US "
     "time), absent 2022-03-01"),
    ("uec-klimov", "EU", "Reg. 269/2014 Annex I (asset freeze)", "2022-04-08", "",
     "", "EU via OpenSanctions [S8] (VERIFIED)"),
    ("uec-umpo", "OFAC", "SDN (RUSSIA-EO14024)", "2022-03-03", "",
     "",
     "OFAC SDN scrapes [S4] (VERIFIED): same window as UEC-Klimov, by 3-4 Mar 2022"),
    ("uec-umpo", "EU", "Reg. 269/2014 Annex I (asset freeze)", "2025-10-23", "",
     "", "EU via OpenSanctions [S8] (VERIFIED)"),
    ("uec-saturn", "OFAC", "SDN (RUSSIA-EO14024)", "2022-03-03", "",
     "",
     "OFAC SDN scrapes [S4] (VERIFIED): by 3-4 Mar 2022"),
    ("uec-saturn", "EU", "Reg. 833/2014 Annex IV (export restrictions)", "2022-02-25", "",
     "", "EU via OpenSanctions [S8] (VERIFIED)"),
    ("uec-saturn", "EU", "Reg. 269/2014 Annex I (asset freeze)", "2023-12-18", "",
     "", "EU via OpenSanctions [S8] (VERIFIED)"),
    ("uec-saturn", "JP", "METI export ban (entry #46)", "2022-03-01", "",
     "",
     "Japan METI Russia list [S9] (VERIFIED listing); listed_on inferred: entry #46 lies between "
     "entries #40 and #48 of MOFA Notice No. 82 of 2022 (1 Mar 2022)"),
]

# Reported shipments: date, shipper, consignee, part_type, description, hs_code, quantity,
# unit, value_usd, source_ref, source.
_PT_UUAP = ("C4ADS Open Secrets [S2]: 13 Poly Technologies -> Ulan-Ude shipments of helicopter "
            "spare/used parts, 2 Jun-16 Nov 2022, 3 labelled Mi-8AMTSh (МИ-171Ш); CNN [S1]: most "
            "labelled Mi-171E, goods included air-to-ground radio equipment; recipient U-UAP per a "
            "CNN summary (V-2nd). ")
_PT_UUAP_SYN = "Item, quantity, value, HS code and record id synthetic"
_E = "Label Mi-171E as reported for most shipments [S1]. "
_SH = "Label Mi-171Sh/Mi-8AMTSh: one of the 3 reported [S2][S1]. "
_R = "Radio equipment reported [S1]; that 2 of the 13 rows are radio is illustrative. "
_D = "Date synthetic (inside the reported window). "
_UUAP_PT = ("CNN [S1] (VERIFIED): in 2022 U-UAP 'continued to send parts and several helicopters' "
            "to Poly Technologies. Number of rows, dates, ")
_AV = ("CNN [S1] via the seed summary (V-2nd): AVIC International and UEC traded parts of "
       "Russian-developed jet engines, many with markings of engines used in Chinese fighters; ")
_AV_TO = ("AVIC International's supplies, made up to July 2022, were documented as contractual "
          "warranty obligations. Counts, dates and values NOT FOUND: this row's date, engine type, "
          "item, quantity, value, HS code and record id are illustrative")
_AV_FROM = ("counts, dates and values NOT FOUND: this row's date, engine type, item, quantity, "
            "value, HS code and record id are illustrative")

REAL_SHIPMENTS = [
    # Poly Technologies -> Ulan-Ude Aviation Plant: 13 rows (C4ADS [S2]), 8 Mi-171E, 3 Mi-171Sh, 2 radio
    ("2022-06-02", "poly-technologies", "ulan-ude-aviation-plant", "Mi-171E",
     "Запасные части для вертолета Ми-171Е: лопасть хвостового винта, б/у, после ремонта",
     "880710", "3", "pcs", "41250.00", "ILL-PT-UUAP-01",
     _PT_UUAP + _E + "Date = start of the reported window. " + _PT_UUAP_SYN),
    ("2022-06-21", "poly-technologies", "ulan-ude-aviation-plant", "Mi-171E",
     "Запасные части для вертолета Ми-171Е: амортизатор основной стойки шасси",
     "880720", "4", "pcs", "18960.00", "ILL-PT-UUAP-02",
     _PT_UUAP + _E + _D + _PT_UUAP_SYN),
    ("2022-07-08", "poly-technologies", "ulan-ude-aviation-plant", "Mi-171Sh",
     "Запасные части для вертолета Ми-171Ш (Ми-8АМТШ): тяги управления, комплект",
     "880730", "2", "set", "12480.00", "ILL-PT-UUAP-03",
     _PT_UUAP + _SH + _D + _PT_UUAP_SYN),
    ("2022-07-26", "poly-technologies", "ulan-ude-aviation-plant", "Mi-171E",
     "Запасные части для вертолета Ми-171Е: фильтры топливной системы",
     "880730", "24", "pcs", "7320.00", "ILL-PT-UUAP-04",
     _PT_UUAP + _E + _D + _PT_UUAP_SYN),
    ("2022-08-10", "poly-technologies", "ulan-ude-aviation-plant", "Mi-171E",
     "Запасные части для вертолета Ми-171Е: створки капота, комплект",
     "880730", "1", "set", "15600.00", "ILL-PT-UUAP-05",
     _PT_UUAP + _E + _D + _PT_UUAP_SYN),
    ("2022-08-24", "poly-technologies", "ulan-ude-aviation-plant", "radio",
     "Радиостанция авиационная УКВ-диапазона с монтажным комплектом (air-to-ground radio)",
     "852560", "4", "pcs", "36800.00", "ILL-PT-UUAP-06",
     _PT_UUAP + _R + _D + _PT_UUAP_SYN),
    ("2022-09-07", "poly-technologies", "ulan-ude-aviation-plant", "Mi-171E",
     "Запасные части для вертолета Ми-171Е: втулка несущего винта, б/у",
     "880710", "1", "pcs", "64500.00", "ILL-PT-UUAP-07",
     _PT_UUAP + _E + _D + _PT_UUAP_SYN),
    ("2022-09-22", "poly-technologies", "ulan-ude-aviation-plant", "Mi-171Sh",
     "Запасные части для вертолета Ми-171Ш (Ми-8АМТШ): гидроусилители, б/у, после ремонта",
     "880730", "3", "pcs", "22950.00", "ILL-PT-UUAP-08",
     _PT_UUAP + _SH + _D + _PT_UUAP_SYN),
    ("2022-10-05", "poly-technologies", "ulan-ude-aviation-plant", "Mi-171E",
     "Запасные части для вертолета Ми-171Е: колеса основной опоры шасси",
     "880720", "6", "pcs", "9840.00", "ILL-PT-UUAP-09",
     _PT_UUAP + _E + _D + _PT_UUAP_SYN),
    ("2022-10-19", "poly-technologies", "ulan-ude-aviation-plant", "radio",
     "Приемопередатчик авиационный связной, радиостанция УКВ (air-to-ground radio equipment)",
     "852560", "2", "pcs", "19700.00", "ILL-PT-UUAP-10",
     _PT_UUAP + _R + _D + _PT_UUAP_SYN),
    ("2022-10-31", "poly-technologies", "ulan-ude-aviation-plant", "Mi-171E",
     "Запасные части для вертолета Ми-171Е: комплект уплотнений и прокладок",
     "880730", "12", "set", "4860.00", "ILL-PT-UUAP-11",
     _PT_UUAP + _E + _D + _PT_UUAP_SYN),
    ("2022-11-09", "poly-technologies", "ulan-ude-aviation-plant", "Mi-171Sh",
     "Запасные части для вертолета Ми-171Ш (Ми-8АМТШ): остекление кабины экипажа",
     "880730", "2", "pcs", "8400.00", "ILL-PT-UUAP-12",
     _PT_UUAP + _SH + _D + _PT_UUAP_SYN),
    ("2022-11-16", "poly-technologies", "ulan-ude-aviation-plant", "Mi-171E",
     "Запасные части для вертолета Ми-171Е: хвостовой вал трансмиссии, б/у",
     "880730", "1", "pcs", "11200.00", "ILL-PT-UUAP-13",
     _PT_UUAP + _E + "Date = end of the reported window. " + _PT_UUAP_SYN),
    # Poly Technologies -> UEC: 1 row (C4ADS [S2])
    ("2022-09-14", "poly-technologies", "united-engine-corporation", "helicopter",
     "Запасные части для вертолетов типа Ми-8/Ми-17, б/у (Mi-series helicopter spare parts)",
     "880730", "5", "pcs", "14300.00", "ILL-PT-UEC-01",
     "C4ADS Open Secrets [S2] (VERIFIED): 1 shipment of Mi-series helicopter spare/used parts from "
     "Poly Technologies to UEC, 2 Jun-16 Nov 2022. Date, item, quantity, value, HS code and record "
     "id synthetic"),
    # Ulan-Ude Aviation Plant -> Poly Technologies: parts and several helicopters in 2022 (CNN [S1])
    ("2022-01-27", "ulan-ude-aviation-plant", "poly-technologies", "Mi-171E",
     "Запасные части для вертолета Ми-171Е: лопасти несущего винта",
     "880710", "5", "pcs", "212500.00", "ILL-UUAP-PT-01",
     _UUAP_PT + "the Mi-171E label (China's fleet is U-UAP-built Mi-171E [S19]), items, quantities, "
     "values, HS codes and record ids synthetic"),
    ("2022-04-12", "ulan-ude-aviation-plant", "poly-technologies", "Mi-171E",
     "Запасные части для вертолета Ми-171Е: редуктор промежуточный",
     "880730", "2", "pcs", "58400.00", "ILL-UUAP-PT-02",
     _UUAP_PT + "the Mi-171E label (China's fleet is U-UAP-built Mi-171E [S19]), items, quantities, "
     "values, HS codes and record ids synthetic"),
    ("2022-05-18", "ulan-ude-aviation-plant", "poly-technologies", "helicopter",
     "Вертолет многоцелевой в сборе с комплектом ЗИП (helicopter, complete)",
     "880212", "1", "unit", "15800000.00", "ILL-UUAP-PT-03",
     _UUAP_PT + "model, quantities, values, HS code (880212, not in facts.md) and record ids "
     "synthetic"),
    ("2022-06-29", "ulan-ude-aviation-plant", "poly-technologies", "Mi-171E",
     "Запасные части для вертолета Ми-171Е: тяги и качалки системы управления",
     "880730", "18", "pcs", "9720.00", "ILL-UUAP-PT-04",
     _UUAP_PT + "the Mi-171E label (China's fleet is U-UAP-built Mi-171E [S19]), items, quantities, "
     "values, HS codes and record ids synthetic"),
    ("2022-08-03", "ulan-ude-aviation-plant", "poly-technologies", "helicopter",
     "Вертолет многоцелевой в сборе с комплектом ЗИП (helicopter, complete)",
     "880212", "1", "unit", "16100000.00", "ILL-UUAP-PT-05",
     _UUAP_PT + "model, quantities, values, HS code (880212, not in facts.md) and record ids "
     "synthetic"),
    ("2022-09-14", "ulan-ude-aviation-plant", "poly-technologies", "Mi-171E",
     "Запасные части для вертолета Ми-171Е: стойки шасси, комплект",
     "880720", "1", "set", "46300.00", "ILL-UUAP-PT-06",
     _UUAP_PT + "the Mi-171E label (China's fleet is U-UAP-built Mi-171E [S19]), items, quantities, "
     "values, HS codes and record ids synthetic"),
    ("2022-11-23", "ulan-ude-aviation-plant", "poly-technologies", "helicopter",
     "Вертолет многоцелевой в сборе с комплектом ЗИП (helicopter, complete)",
     "880212", "1", "unit", "16100000.00", "ILL-UUAP-PT-07",
     _UUAP_PT + "model, quantities, values, HS code (880212, not in facts.md) and record ids "
     "synthetic"),
    ("2022-12-06", "ulan-ude-aviation-plant", "poly-technologies", "Mi-171E",
     "Запасные части для вертолета Ми-171Е: агрегаты гидросистемы",
     "880730", "4", "pcs", "27600.00", "ILL-UUAP-PT-08",
     _UUAP_PT + "the Mi-171E label (China's fleet is U-UAP-built Mi-171E [S19]), items, quantities, "
     "values, HS codes and record ids synthetic"),
    # AVIC International -> UEC (until July 2022, warranty obligations) and UEC -> AVIC International
    ("2022-02-09", "avic-international", "united-engine-corporation", "jet engine",
     "Части турбореактивного двигателя РД-93: лопатки турбины; возврат по гарантийным "
     "обязательствам по контракту (warranty obligations under contract)",
     "841191", "12", "pcs", "86400.00", "ILL-AVIC-UEC-01", _AV + _AV_TO),
    ("2022-04-21", "avic-international", "united-engine-corporation", "jet engine",
     "Части двигателя АЛ-31ФН: насос-регулятор топливный, б/у; гарантийные обязательства по "
     "контракту",
     "841191", "2", "pcs", "74000.00", "ILL-AVIC-UEC-02", _AV + _AV_TO),
    ("2022-07-14", "avic-international", "united-engine-corporation", "jet engine",
     "Части турбореактивного двигателя РД-93: блок автоматики; гарантийные обязательства по "
     "контракту",
     "841191", "1", "pcs", "38500.00", "ILL-AVIC-UEC-03", _AV + _AV_TO),
    ("2022-03-23", "united-engine-corporation", "avic-international", "jet engine",
     "Части турбореактивного двигателя АЛ-31Ф: лопатки компрессора",
     "841191", "40", "pcs", "52000.00", "ILL-UEC-AVIC-01", _AV + _AV_FROM),
    ("2022-08-17", "united-engine-corporation", "avic-international", "jet engine",
     "Запасные части двигателя РД-93: уплотнения, кольца, крепеж",
     "841191", "1", "set", "17850.00", "ILL-UEC-AVIC-02", _AV + _AV_FROM),
    ("2022-12-01", "united-engine-corporation", "avic-international", "jet engine",
     "Части двигателя АЛ-31ФН: жаровая труба камеры сгорания, после ремонта",
     "841191", "1", "pcs", "143000.00", "ILL-UEC-AVIC-03", _AV + _AV_FROM),
    # WSJ [S22] items
    ("2022-08-31", "poly-technologies", "rosoboronexport", "navigation",
     "Аппаратура радионавигационная для вертолетов Ми-17 (navigation equipment for Mi-17 "
     "helicopters)",
     "852691", "2", "set", "48000.00", "ILL-WSJ-01",
     "WSJ [S22] via summaries (V-2nd): on 31 Aug 2022 Poly Technologies sent navigation equipment "
     "for Mi-17 helicopters to Rosoboronexport. Date, parties and goods reported; quantity, value, "
     "HS code and record id synthetic"),
    ("2022-10-24", "avic-international", "rostec-subsidiary-unnamed-wsj", "aircraft parts",
     "Запасные части для самолета Су-35 (Su-35 spare parts)",
     "880730", "1", "set", "1200000.00", "ILL-WSJ-02",
     "WSJ [S22] via summaries (V-2nd): on 24 Oct 2022 an AVIC company sent Su-35 spare parts worth "
     "$1.2 million to a Rostec subsidiary. Date, goods and value reported; shipper is 'AVIC "
     "International' per a Ukrainian summary, 'China's AVIC' per Novaya Gazeta Europe; recipient "
     "unnamed (placeholder entity). Quantity, HS code and record id synthetic"),
]

# =============================================================================================
# SYNTHETIC PART. Nothing below refers to a real company.
# =============================================================================================

SYN_ENTITY_SOURCE = "synthetic (fictional entity)"
SYN_OWNERSHIP_SOURCE = "synthetic (fictional ownership link)"
SYN_SANCTION_SOURCE = "synthetic (illustrative listing, not a real sanction)"
SYN_SHIPMENT_SOURCE = "synthetic (fictional shipment)"

START = dt.date(2021, 1, 1)
END = dt.date(2023, 12, 31)
INVASION = dt.date(2022, 2, 24)
POST = dt.date(2022, 3, 1)

# Invented name stems: (Latin, Cyrillic, Chinese transliteration).
SYL1 = [("Ar", "Ар", "阿"), ("Bel", "Бел", "贝"), ("Cor", "Кор", "科"), ("Dar", "Дар", "达"),
        ("El", "Эл", "艾"), ("Fen", "Фен", "芬"), ("Gal", "Гал", "加"), ("Hel", "Хел", "赫"),
        ("Ist", "Ист", "伊"), ("Kal", "Кал", "卡"), ("Lor", "Лор", "洛"), ("Mar", "Мар", "马"),
        ("Nor", "Нор", "诺"), ("Or", "Ор", "奥"), ("Pel", "Пел", "佩"), ("Quel", "Квел", "奎"),
        ("Sal", "Сал", "萨"), ("Tor", "Тор", "托"), ("Ul", "Ул", "乌"), ("Var", "Вар", "瓦"),
        ("Zel", "Зел", "泽"), ("Kes", "Кес", "凯"), ("Tam", "Там", "塔"), ("Bren", "Брен", "布"),
        ("Vel", "Вел", "维"), ("Mor", "Мор", "莫"), ("Dun", "Дун", "敦"), ("Fal", "Фал", "法"),
        ("Ser", "Сер", "塞"), ("Yar", "Яр", "亚")]
SYL2 = [("vane", "вейн", "文"), ("mora", "мора", "莫拉"), ("dris", "дрис", "德里"),
        ("thal", "тал", "塔尔"), ("wick", "вик", "维克"), ("dor", "дор", "多"),
        ("mere", "мир", "米尔"), ("lix", "ликс", "利克"), ("tan", "тан", "坦"),
        ("gar", "гар", "加尔"), ("rion", "рион", "里昂"), ("ven", "вен", "温"),
        ("nesk", "неск", "涅斯克"), ("ova", "ова", "奥瓦"), ("lund", "лунд", "伦德"),
        ("bek", "бек", "别克"), ("ton", "тон", "顿"), ("lis", "лис", "利斯"),
        ("brook", "брук", "布鲁克"), ("stal", "стал", "斯塔尔")]

CN_CITIES = [("深圳", "Shenzhen"), ("北京", "Beijing"), ("上海", "Shanghai"), ("哈尔滨", "Harbin"),
             ("满洲里", "Manzhouli"), ("乌鲁木齐", "Urumqi"), ("厦门", "Xiamen"), ("天津", "Tianjin"),
             ("西安", "Xi'an"), ("成都", "Chengdu"), ("绥芬河", "Suifenhe"), ("宁波", "Ningbo")]

# Sector words: en, ru, zh (simplified), zh (traditional), tr, de.
SECTOR_WORDS = {
    "aero": [("Aero Parts", "Аэро Партс", "航空配件", "航空配件", "Havacılık", "Luftfahrttechnik"),
             ("Avia Supply", "Авиа Снаб", "航空技术", "航空技術", "Havacılık", "Flugzeugteile"),
             ("Aerotech", "Аэротех", "航空科技", "航空科技", "Havacılık", "Luftfahrttechnik")],
    "elec": [("Electronics", "Электроникс", "电子科技", "電子科技", "Elektronik", "Elektronik"),
             ("Microsystems", "Микросистемы", "微电子", "微電子", "Elektronik", "Mikrosysteme"),
             ("Components", "Компонент", "电子元器件", "電子元器件", "Elektronik", "Bauelemente")],
    "mach": [("Machinery", "Машинери", "机械设备", "機械設備", "Makina", "Maschinenbau"),
             ("Engineering", "Инжиниринг", "精密机械", "精密機械", "Makina", "Anlagenbau"),
             ("Industrial Equipment", "Промоборудование", "工业设备", "工業設備", "Makina",
              "Industrietechnik")],
    "gen": [("Trading", "Трейд", "贸易", "貿易", "Ticaret", "Handel"),
            ("Logistics", "Логистик", "供应链管理", "供應鏈管理", "Lojistik", "Logistik"),
            ("Import-Export", "Импорт-Экспорт", "进出口", "進出口", "Dış Ticaret", "Import-Export")],
}

EAEU = ["RU", "BY", "KZ", "KG", "AM"]
EU_SUPPLIERS = ["DE", "IT", "CZ"]
INTERMEDIARY = ["HK", "KZ", "KG", "AE", "TR", "AM", "UZ", "MN", "SG"]
BUYERS = ["RU", "BY"]


def d2s(d):
    return d.isoformat()


def rand_date(rng, a, b):
    return a + dt.timedelta(days=rng.randrange((b - a).days + 1))


class Namer:
    """Hands out unique invented stems."""

    def __init__(self, rng):
        stems = [(a[0] + b[0], a[1] + b[1], a[2] + b[2]) for a in SYL1 for b in SYL2]
        rng.shuffle(stems)
        self.stems = stems
        self.i = 0

    def next(self):
        s = self.stems[self.i]
        self.i += 1
        return s


def slug(text):
    out = []
    for ch in text.lower():
        out.append(ch if ch.isascii() and ch.isalnum() else "-")
    s = "".join(out)
    while "--" in s:
        s = s.replace("--", "-")
    return s.strip("-")


def company_names(rng, country, sector, stem):
    """Name and aliases of a fictional private company."""
    L, C, Z = stem
    en, ru, zh, zht, tr, de = rng.choice(SECTOR_WORDS[sector])
    if country == "CN":
        city_zh, city_en = rng.choice(CN_CITIES)
        zh_name = f"{city_zh}{Z}{zh}有限公司"
        en_name = f"{city_en} {L} {en} Co., Ltd."
        if rng.random() < 0.6:
            return zh_name, [en_name, f"{L.upper()} {en.upper()}"]
        return en_name, [zh_name, f"{Z}{zh}"]
    if country == "HK":
        if rng.random() < 0.5:
            name = f"{L} {en} (Hong Kong) Co., Limited"
        else:
            name = f"{L} International {en} Limited"
        return name, [f"{Z}{zht}（香港）有限公司", f"{L.upper()} {en.upper()} HK"]
    if country == "RU":
        r = rng.random()
        if r < 0.45:
            name = f"ООО «{C} {ru}»"
        elif r < 0.75:
            name = f'ООО "{C.upper()} {ru.upper()}"'
        else:
            name = f"АО «{C} {ru}»"
        aliases = [f"{L} {en} LLC", f'OOO "{L} {en}"']
        if rng.random() < 0.4:
            aliases.append(f"俄罗斯{Z}{zh}有限责任公司")
        return name, aliases
    if country == "BY":
        name = f"ООО «{C} {ru}»" if rng.random() < 0.6 else f'ОАО "{C} {ru}"'
        return name, [f"{L} {en} LLC (Belarus)", f"ТАА «{C} {ru}»"]
    if country == "KZ":
        return f"ТОО «{C} {ru}»", [f"{L} {en} LLP", f"{C.upper()} {ru.upper()} ЖШС"]
    if country == "KG":
        return f"ОсОО «{C} {ru}»", [f"{L} {en} LLC", f"ЖЧК «{C} {ru}»"]
    if country == "AM":
        return f"{L} {en} LLC", [f"ООО «{C} {ru}»", f"«{L} {en}» ՍՊԸ"]
    if country == "UZ":
        return f'"{L} {en}" MChJ', [f"ООО «{C} {ru}»", f"{L} {en} LLC"]
    if country == "MN":
        return f"{L} {en} LLC", [f"«{C} {ru}» ХХК"]
    if country == "AE":
        form = rng.choice(["FZE", "General Trading L.L.C.", "DMCC", "FZCO"])
        return f"{L} {en} {form}", [f"{C} {ru}", f"{L.upper()} {en.upper()}"]
    if country == "TR":
        return (f"{L} {tr} Dış Ticaret A.Ş.",
                [f"{L} {en} Foreign Trade Inc.", f"{C} {ru}"])
    if country == "IN":
        return f"{L} {en} Private Limited", [f"{L} {en} Pvt. Ltd.", f"{C} {ru}"]
    if country == "DE":
        return f"{L} {de} GmbH", [f"{L} {en} GmbH", f"{C} {ru} ГмбХ"]
    if country == "IT":
        return f"{L} {en} S.r.l.", [f"{C} {ru} С.р.л."]
    if country == "CZ":
        return f"{L} {en} s.r.o.", [f"{C} {ru} с.р.о."]
    if country == "SG":
        return f"{L} {en} Pte. Ltd.", [f"{Z}{zh}私人有限公司"]
    raise ValueError(country)


# Fictional state holding groups: country, owner name pattern, subsidiary and plant patterns.
# Each pattern is (name, aliases) built from a stem (L, C, Z).
def state_owner_names(country, variant, stem):
    L, C, Z = stem
    if country == "CN" and variant == 0:
        return (f"中国{Z}航空工业集团有限公司",
                [f"China {L} Aviation Industry Group Co., Ltd.", f"{Z}航空集团", f"{L} Aviation Group"])
    if country == "CN":
        return (f"中国{Z}机械装备集团有限公司",
                [f"China {L} Machinery & Equipment Group Corporation", f"{Z}装备"])
    if country == "RU" and variant == 0:
        return (f"Государственная корпорация «{C}»",
                [f"Госкорпорация «{C}»", f"{L} State Corporation", f'STATE CORPORATION "{L.upper()}"'])
    if country == "RU":
        return (f"АО «Холдинг {C}»", [f"{L} Holding JSC", f"{L} Holding"])
    if country == "BY":
        return (f"ОАО «Управляющая компания холдинга «{C}»»",
                [f"{L} Holding Management Company OJSC", f"Холдинг «{C}»"])
    if country == "KZ":
        return (f"АО «Национальная компания «{C} Инжиниринг»»",
                [f"{L} Engineering National Company JSC", f"«{C} Инжиниринг» ҰК АҚ"])
    if country == "TR":
        return (f"{L} Savunma Sanayii Holding A.Ş.",
                [f"{L} Defence Industries Holding Inc.", f"Холдинг {C}"])
    if country == "AE":
        return (f"{L} Strategic Industries Holding PJSC",
                [f"{L} Strategic Industries", f"{C} Стратеджик Индастриз"])
    if country == "IN":
        return (f"{L} Aeronautics Limited", [f"{L} Aeronautics Ltd.", f"{C} Аэронавтикс"])
    raise ValueError(country)


def subsidiary_names(country, i, stem, sector):
    L, C, Z = stem
    if country == "CN":
        opts = [(f"{Z}航空技术进出口有限公司", [f"{L} Aero-Technology Import & Export Co., Ltd."]),
                (f"{Z}精密电子有限公司", [f"{L} Precision Electronics Co., Ltd."]),
                (f"{Z}直升机有限公司", [f"{L} Helicopter Co., Ltd."]),
                (f"{Z}动力机械有限公司", [f"{L} Power Machinery Co., Ltd."]),
                (f"{Z}航电系统有限公司", [f"{L} Avionics Systems Co., Ltd."])]
    elif country in ("RU", "BY", "KZ"):
        opts = [(f"АО «{C} Авиатехника»", [f"{L} Aviatekhnika JSC"]),
                (f"АО «Концерн «{C}»»", [f"{L} Concern JSC", f'KONTSERN "{L.upper()}"']),
                (f"АО «{C} Вертолетные системы»", [f"{L} Helicopter Systems JSC"]),
                (f"АО «{C} Радиосвязь»", [f"{L} Radio Communications JSC"]),
                (f"АО «{C} Двигатель»", [f"{L} Engine JSC"])]
    elif country == "TR":
        opts = [(f"{L} Havacılık A.Ş.", [f"{L} Aviation Inc."]),
                (f"{L} Elektronik Sistemler A.Ş.", [f"{L} Electronic Systems Inc."]),
                (f"{L} Motor Sanayi A.Ş.", [f"{L} Engine Industries Inc."]),
                (f"{L} Makina Sanayi A.Ş.", [f"{L} Machinery Industries Inc."])]
    elif country == "AE":
        opts = [(f"{L} Aerospace Services LLC", [f"{C} Аэроспейс Сервисез"]),
                (f"{L} Defence Electronics LLC", [f"{C} Дифенс Электроникс"]),
                (f"{L} Rotorcraft Maintenance LLC", [f"{C} Роторкрафт"])]
    else:  # IN
        opts = [(f"{L} Helicopter Services Limited", [f"{L} Helicopter Services Ltd."]),
                (f"{L} Avionics Limited", [f"{L} Avionics Ltd."]),
                (f"{L} Engine Overhaul Limited", [f"{L} Engine Overhaul Ltd."])]
    return opts[i % len(opts)]


def plant_names(country, n, stem):
    L, C, Z = stem
    if country == "CN":
        opts = [(f"国营{Z}飞机制造厂", [f"{L} Aircraft Factory", f"State-run {Z} Factory No. {n}"]),
                (f"{Z}发动机厂", [f"{L} Engine Works"]),
                (f"第{n}无线电厂（{Z}）", [f"{L} Radio Factory No. {n}"])]
    elif country in ("RU", "BY", "KZ"):
        opts = [(f"АО «{C} авиаремонтный завод № {n}»", [f"{L} Aircraft Repair Plant No. {n} JSC"]),
                (f"ПАО «{C} моторный завод»", [f"{L} Motor Plant PJSC"]),
                (f"АО «{C} приборный завод»", [f"{L} Instrument Plant JSC"]),
                (f'АО "{C.upper()} РАДИОЗАВОД"', [f"{L} Radio Plant JSC"])]
    elif country == "TR":
        opts = [(f"{L} Motor Fabrikası", [f"{L} Engine Factory"]),
                (f"{L} Bakım Merkezi", [f"{L} Maintenance Centre"])]
    elif country == "AE":
        opts = [(f"{L} Maintenance Facility", [f"{C} техцентр"])]
    else:
        opts = [(f"{L} Overhaul Depot No. {n}", [f"{C} ремонтный завод № {n}"])]
    name, aliases = opts[n % len(opts)]
    if country == "BY":
        name = name.replace("ПАО «", "ОАО «").replace("АО «", "ОАО «").replace("ООАО", "ОАО")
        aliases = [x.replace(" PJSC", " OJSC").replace(" JSC", " OJSC") for x in aliases]
    elif country == "KZ":
        name = name.replace("ПАО «", "АО «")
    return name, aliases


# --- goods catalogue -------------------------------------------------------------------------
# Each item: (ru, en, zh, hs6 for 2022+ (None = same), hs6 before 2022, unit price lo, hi)
ROTOR_ITEMS = [
    ("лопасть хвостового винта", "tail rotor blade", "尾桨叶", "880710", "880310", 6000, 30000),
    ("лопасть несущего винта", "main rotor blade", "主旋翼桨叶", "880710", "880310", 25000, 90000),
    ("втулка несущего винта", "main rotor hub", "主旋翼桨毂", "880710", "880310", 30000, 120000),
    ("тяга управления", "control rod", "操纵拉杆", "880730", "880330", 150, 1500),
    ("амортизатор стойки шасси", "landing gear shock strut", "起落架减震支柱", "880720", "880320",
     2000, 9000),
    ("колесо основной опоры шасси", "main landing gear wheel", "主起落架机轮", "880720", "880320",
     800, 3000),
    ("фильтр топливный", "fuel filter", "燃油滤", "880730", "880330", 100, 600),
    ("гидроусилитель", "hydraulic booster", "液压助力器", "880730", "880330", 3000, 12000),
    ("створка капота", "cowling panel", "整流罩盖板", "880730", "880330", 700, 4000),
    ("комплект уплотнений", "seal kit", "密封件套件", "880730", "880330", 100, 800),
    ("остекление кабины", "cockpit glazing", "座舱玻璃", "880730", "880330", 1000, 5000),
    ("редуктор промежуточный, б/у", "intermediate gearbox (used)", "中间减速器（旧）", "880730",
     "880330", 12000, 40000),
    ("хвостовой вал трансмиссии", "tail rotor drive shaft", "尾传动轴", "880730", "880330",
     3000, 14000),
]
ENGINE_ITEMS = [
    ("лопатки турбины", "turbine blades", "涡轮叶片", 400, 6000),
    ("лопатки компрессора", "compressor blades", "压气机叶片", 200, 2500),
    ("форсунки топливные", "fuel nozzles", "燃油喷嘴", 300, 2000),
    ("кольца уплотнительные", "seal rings", "密封环", 50, 400),
    ("жаровая труба камеры сгорания", "combustion chamber liner", "火焰筒", 8000, 40000),
    ("насос-регулятор топливный", "fuel control unit", "燃油调节器", 10000, 45000),
]
AIRCRAFT_ITEMS = [
    ("створки люков", "hatch doors", "舱门", "880730", "880330", 800, 6000),
    ("кронштейны крепления", "mounting brackets", "支架", "880730", "880330", 50, 500),
    ("гидроцилиндры", "hydraulic actuators", "液压作动筒", "880730", "880330", 2000, 15000),
    ("элементы остекления фонаря", "canopy glazing", "座舱盖玻璃", "880730", "880330", 1500, 9000),
    ("амортизаторы шасси", "landing gear shock absorbers", "起落架减震器", "880720", "880320",
     3000, 20000),
    ("тормозные колеса", "brake wheels", "刹车机轮", "880720", "880320", 1500, 8000),
]
AIRCRAFT_TYPES = [("Ил-76", "Il-76"), ("Су-30", "Su-30"), ("Ан-26", "An-26"), ("Як-130", "Yak-130")]
HELI_TYPES = [("Ми-8МТВ-1", "Mi-8MTV-1"), ("Ка-32А", "Ka-32A"), ("Ми-26Т", "Mi-26T"),
              ("Ми-8АМТ", "Mi-8AMT")]
RADIO_ITEMS = [
    ("Радиостанция авиационная УКВ-диапазона", "Airborne VHF/UHF radio transceiver", "机载电台",
     "852560", 3000, 25000),
    ("Радиостанция носимая УКВ", "Portable radio station", "手持电台", "852560", 300, 2500),
    ("Приемопередатчик авиационный связной", "Air-to-ground radio equipment", "航空通信电台",
     "852560", 4000, 30000),
]
NAV_ITEMS = [
    ("Приемник спутниковой навигации ГЛОНАСС/GPS", "GNSS navigation receiver", "卫星导航接收机",
     "852691", 800, 12000),
    ("Радиокомпас автоматический", "Automatic direction finder (radio compass)", "自动定向罗盘",
     "852691", 3000, 20000),
    ("Радиовысотомер", "Radio altimeter", "雷达高度表（导航）", "852610", 4000, 25000),
    ("Аппаратура радионавигационная", "Radio navigation equipment", "航空导航设备", "852691",
     5000, 40000),
]
ELEC_ITEMS = [
    ("Микросхемы интегральные: микроконтроллеры", "Integrated circuits (microcontrollers)",
     "集成电路（单片机）", "854231", 0.8, 25),
    ("Микросхемы интегральные памяти", "Integrated circuits (memory)", "存储芯片", "854232", 1, 30),
    ("Транзисторы полевые", "Field-effect transistors", "场效应晶体管芯片", "854129", 0.1, 8),
    ("Конденсаторы керамические многослойные", "Multilayer ceramic capacitors", "贴片电容", "853224",
     0.01, 0.5),
    ("Платы печатные электронные в сборе", "Printed circuit board assemblies", "印制电路板组件",
     "853400", 5, 300),
    ("Компоненты электронные: ПЛИС (FPGA)", "FPGA devices", "FPGA芯片", "854239", 20, 900),
    ("Резисторы постоянные", "Fixed resistors", "贴片电阻", "853321", 0.005, 0.2),
]
BEARING_ITEMS = [
    ("Подшипники шариковые радиальные", "Ball bearings", "深沟球轴承", "848210", 1, 80),
    ("Подшипники роликовые конические", "Tapered roller bearings", "圆锥滚子轴承", "848220", 4, 200),
    ("Подшипники игольчатые", "Needle roller bearings", "滚针轴承", "848240", 1, 40),
    ("Подшипники роликовые цилиндрические", "Cylindrical roller bearings", "圆柱滚子轴承", "848250",
     5, 300),
]
MACHINE_ITEMS = [
    ("Станок токарный с ЧПУ", "CNC lathe", "数控车床", "845811", 30000, 250000),
    ("Станок фрезерный вертикальный с ЧПУ", "CNC vertical milling machine", "立式数控铣床", "845961",
     40000, 300000),
    ("Центр обрабатывающий вертикальный (станок с ЧПУ)", "Vertical machining centre (CNC)",
     "立式加工中心", "845710", 60000, 450000),
    ("Станок шлифовальный плоскошлифовальный", "Surface grinding machine (machine tool)",
     "平面磨床（机床）", "846022", 20000, 150000),
]
OTHER_ITEMS = [
    ("Кабели силовые медные", "Copper power cables", "铜芯电力电缆", "854449", "kg", 6, 18),
    ("Клапаны запорные промышленные", "Industrial shut-off valves", "工业截止阀", "848180", "pcs",
     20, 900),
    ("Фильтры гидравлические", "Hydraulic filters", "液压过滤器", "842123", "pcs", 10, 300),
    ("Уплотнения резинотехнические", "Rubber seals", "橡胶密封件", "401693", "kg", 4, 30),
    ("Инструмент ручной слесарный", "Hand tools", "手动工具", "820559", "pcs", 3, 120),
    ("Изделия крепежные стальные (болты, гайки)", "Steel fasteners (bolts, nuts)", "钢制紧固件",
     "731815", "kg", 2, 9),
    ("Рукава высокого давления", "High-pressure hoses", "高压软管", "400942", "pcs", 8, 150),
    ("Материалы лакокрасочные", "Paints and varnishes", "涂料", "320890", "kg", 3, 15),
]

AERO_TYPES = ["Mi-171E", "Mi-171Sh", "helicopter", "jet engine", "radio", "navigation",
              "aircraft parts"]
CIVIL_TYPES = ["electronics", "bearings", "machine tools", "other"]


def log_uniform(rng, lo, hi):
    return math.exp(rng.uniform(math.log(lo), math.log(hi)))


def qty_int(rng, lo, hi):
    return max(lo, min(hi, int(round(log_uniform(rng, lo, hi)))))


def aircraft_hs(date, hs22, hs17):
    # HS 2022 (heading 88.07) from 1 Jan 2022, HS 2017 (88.03) before: facts.md section 10.
    return hs22 if date >= dt.date(2022, 1, 1) else hs17


def make_goods(rng, part, date, lang, whole_heli_ok):
    """(description, hs6, quantity, unit, value) for one shipment of a part type."""
    ru_en = rng.random() < 0.25  # Russian description with an English gloss

    def pick(ru, en, zh, gloss_en=None):
        if lang == "ru":
            return f"{ru} ({gloss_en or en})" if ru_en else ru
        if lang == "zh":
            return zh
        return en

    if part in ("Mi-171E", "Mi-171Sh") or (part == "helicopter" and not whole_heli_ok):
        ru, en, zh, hs22, hs17, lo, hi = rng.choice(ROTOR_ITEMS)
        hs = aircraft_hs(date, hs22, hs17)
        if part == "Mi-171E":
            desc = pick(f"Запасные части для вертолета Ми-171Е: {ru}",
                        f"Mi-171E helicopter spare parts: {en}", f"米-171E直升机备件：{zh}", en)
        elif part == "Mi-171Sh":
            desc = pick(f"Запасные части для вертолета Ми-171Ш (Ми-8АМТШ): {ru}",
                        f"Spare parts for Mi-171Sh (Mi-8AMTSh) helicopter: {en}",
                        f"米-171Sh直升机备件：{zh}", en)
        else:
            hru, hen = rng.choice(HELI_TYPES)
            desc = pick(f"Запасные части для вертолета {hru}: {ru}",
                        f"Spare parts for {hen} helicopter: {en}", f"直升机零件（{hen}）：{zh}", en)
        q = qty_int(rng, 1, 40 if hi < 5000 else 8)
        unit = "set" if "комплект" in ru or rng.random() < 0.15 else "pcs"
        return desc, hs, q, unit, q * log_uniform(rng, lo, hi)
    if part == "helicopter":  # a whole helicopter
        hru, hen = rng.choice(HELI_TYPES)
        desc = pick(f"Вертолет {hru} в сборе", f"Helicopter {hen}, complete",
                    f"直升机整机（{hen}）")
        q = 1 if rng.random() < 0.8 else 2
        return desc, "880212", q, "unit", q * log_uniform(rng, 6_000_000, 18_000_000)
    if part == "jet engine":
        ru, en, zh, lo, hi = rng.choice(ENGINE_ITEMS)
        r = rng.random()
        if r < 0.4:
            desc = pick(f"Части турбореактивного двигателя: {ru}", f"Jet engine parts: {en}",
                        f"航空发动机零件：{zh}")
            hs = "841191"
        elif r < 0.7:
            desc = pick(f"Части газотурбинного двигателя ТВ3-117ВМ: {ru}",
                        f"Turboshaft engine parts (TV3-117VM): {en}", f"涡轴发动机零件：{zh}")
            hs = "841199"
        else:
            desc = pick(f"Запасные части авиационного двигателя: {ru}",
                        f"Aircraft engine spare parts: {en}", f"航空发动机备件：{zh}")
            hs = "841191"
        q = qty_int(rng, 1, 120 if hi < 3000 else 10)
        return desc, hs, q, "pcs", q * log_uniform(rng, lo, hi)
    if part == "radio":
        ru, en, zh, hs, lo, hi = rng.choice(RADIO_ITEMS)
        desc = pick(ru, en, zh)
        q = qty_int(rng, 1, 60 if hi < 5000 else 12)
        return desc, hs, q, "pcs" if rng.random() < 0.8 else "set", q * log_uniform(rng, lo, hi)
    if part == "navigation":
        ru, en, zh, hs, lo, hi = rng.choice(NAV_ITEMS)
        desc = pick(ru, en, zh)
        q = qty_int(rng, 1, 30 if hi < 15000 else 8)
        return desc, hs, q, "pcs" if rng.random() < 0.8 else "set", q * log_uniform(rng, lo, hi)
    if part == "aircraft parts":
        ru, en, zh, hs22, hs17, lo, hi = rng.choice(AIRCRAFT_ITEMS)
        aru, aen = rng.choice(AIRCRAFT_TYPES)
        if rng.random() < 0.5:
            desc = pick(f"Запасные части для самолета {aru}: {ru}",
                        f"Aircraft spare parts ({aen}): {en}", f"飞机零件（{aen}）：{zh}", en)
        else:
            desc = pick(f"Части самолетов: {ru}", f"Aircraft parts: {en}", f"飞机零件：{zh}", en)
        q = qty_int(rng, 1, 60 if hi < 3000 else 10)
        return desc, aircraft_hs(date, hs22, hs17), q, "pcs", q * log_uniform(rng, lo, hi)
    if part == "electronics":
        ru, en, zh, hs, lo, hi = rng.choice(ELEC_ITEMS)
        desc = pick(ru, en, zh)
        q = qty_int(rng, 50, 200000 if hi < 1 else 20000)
        return desc, hs, q, "pcs", q * log_uniform(rng, lo, hi)
    if part == "bearings":
        ru, en, zh, hs, lo, hi = rng.choice(BEARING_ITEMS)
        desc = pick(ru, en, zh)
        if rng.random() < 0.25:
            q = round(log_uniform(rng, 20, 8000), 1)
            return desc, hs, q, "kg", q * log_uniform(rng, 6, 40)
        q = qty_int(rng, 10, 20000)
        return desc, hs, q, "pcs", q * log_uniform(rng, lo, hi)
    if part == "machine tools":
        ru, en, zh, hs, lo, hi = rng.choice(MACHINE_ITEMS)
        desc = pick(ru, en, zh)
        q = qty_int(rng, 1, 6)
        return desc, hs, q, "unit", q * log_uniform(rng, lo, hi)
    ru, en, zh, hs, unit, lo, hi = rng.choice(OTHER_ITEMS)
    desc = pick(ru, en, zh)
    if unit == "kg":
        q = round(log_uniform(rng, 50, 30000), 1)
    else:
        q = qty_int(rng, 5, 5000)
    return desc, hs, q, unit, q * log_uniform(rng, lo, hi)


def build_synthetic(rng):
    namer = Namer(rng)
    ents = []  # dicts with public fields and private generation attributes

    def add(kind, country, state_owned, sector, name, aliases, born=START, weight=None):
        key = "syn-" + slug(country + "-" + aliases_latin(name, aliases))
        base = key
        n = 2
        while any(e["key"] == key for e in ents):
            key = f"{base}-{n}"
            n += 1
        if len(aliases) < 2:
            aliases = aliases + [stem_of(name, aliases)]
        e = dict(key=key, name=name, kind=kind, country=country, state_owned=state_owned,
                 aliases=aliases, sector=sector, born=born,
                 weight=weight if weight is not None else min(60.0, rng.paretovariate(1.15)))
        ents.append(e)
        return e

    def stem_of(name, aliases):
        # short Latin form: the invented stem, upper case
        latin = aliases_latin(name, aliases)
        return latin.split()[0].upper() if latin.split()[0] not in ("China", "State-run") \
            else latin.split()[1].upper()

    def aliases_latin(name, aliases):
        for s in [name] + aliases:
            if s.isascii():
                return s
        return name

    own = []  # (parent, child, share, start, end)

    # -- state groups ---------------------------------------------------------------------
    groups = [("CN", 0), ("CN", 1), ("RU", 0), ("RU", 1), ("BY", 0), ("KZ", 0), ("TR", 0),
              ("AE", 0), ("IN", 0)]
    state_subs = {}
    plant_no = 101
    for country, variant in groups:
        stem = namer.next()
        name, aliases = state_owner_names(country, variant, stem)
        owner = add("state_owner", country, True, "aero", name, aliases, weight=0.3)
        state_subs[owner["key"]] = []
        nsubs = rng.randint(3, 5)
        for i in range(nsubs):
            sstem = namer.next()
            sname, saliases = subsidiary_names(country, i + variant * 2, sstem, "aero")
            sector = "aero" if rng.random() < 0.55 else rng.choice(["elec", "mach"])
            sub = add("subsidiary", country, True, sector, sname, saliases,
                      weight=1.0 + min(30.0, rng.paretovariate(1.0)))
            state_subs[owner["key"]].append(sub)
            share = 100 if rng.random() < 0.6 else rng.choice([51, 74.9, 90, 62.5])
            start = "" if rng.random() < 0.6 else d2s(dt.date(rng.randint(2005, 2019),
                                                            rng.randint(1, 12), 1))
            own.append((owner, sub, share, start, ""))
            for _ in range(rng.randint(0, 2)):
                pstem = namer.next()
                pname, paliases = plant_names(country, plant_no, pstem)
                plant_no += rng.randint(1, 40)
                plant = add("plant", country, True, sub["sector"], pname, paliases,
                            weight=1.0 + min(20.0, rng.paretovariate(1.1)))
                pshare = 100 if rng.random() < 0.7 else rng.choice([75, 51, 99.2])
                own.append((sub, plant, pshare, "", ""))
        # one plant held directly by the owner
        pstem = namer.next()
        pname, paliases = plant_names(country, plant_no, pstem)
        plant_no += rng.randint(1, 40)
        plant = add("plant", country, True, "aero", pname, paliases,
                    weight=1.0 + min(20.0, rng.paretovariate(1.1)))
        own.append((owner, plant, 100, "", ""))

    # a subsidiary transferred between the two Russian groups in mid-2022
    ru_owners = [e for e in ents if e["kind"] == "state_owner" and e["country"] == "RU"]
    moved = state_subs[ru_owners[0]["key"]][-1]
    for i, (p, c, s, st, en) in enumerate(own):
        if p is ru_owners[0] and c is moved:
            own[i] = (p, c, s, st, "2022-06-30")
    own.append((ru_owners[1], moved, 100, "2022-07-01", ""))

    # -- private companies ----------------------------------------------------------------
    counts = [("CN", 42), ("HK", 24), ("RU", 42), ("KZ", 12), ("KG", 8), ("AE", 15), ("TR", 14),
              ("BY", 8), ("AM", 7), ("UZ", 6), ("IN", 7), ("DE", 12), ("IT", 4), ("CZ", 4),
              ("SG", 5), ("MN", 3)]
    for country, n in counts:
        for _ in range(n):
            r = rng.random()
            sector = "aero" if r < 0.14 else "elec" if r < 0.5 else "mach" if r < 0.75 else "gen"
            if country in EU_SUPPLIERS:
                sector = "mach" if r < 0.55 else "elec" if r < 0.9 else "aero"
            born = START
            if country in INTERMEDIARY and rng.random() < 0.45:
                born = rand_date(rng, POST, dt.date(2023, 9, 30))
            elif country == "CN" and rng.random() < 0.15:
                born = rand_date(rng, POST, dt.date(2023, 6, 30))
            name, aliases = company_names(rng, country, sector, namer.next())
            add("company", country, False, sector, name, aliases, born=born)

    # private holding structures: a few parents owning front companies abroad
    companies = [e for e in ents if e["kind"] == "company"]
    parents = [e for e in companies if e["country"] in ("RU", "HK", "CN", "AE")]
    rng.shuffle(parents)
    parents = parents[:12]
    owned = {e["key"] for e in parents}
    for p in parents:
        cands = [e for e in companies
                 if e["key"] not in owned and e["country"] != p["country"]
                 and e["country"] in INTERMEDIARY + ["CN", "RU"]]
        for _ in range(rng.randint(1, 3)):
            c = rng.choice(cands)
            if c["key"] in owned:
                continue
            owned.add(c["key"])
            share = rng.choice([100, 100, 51, 50, 75, 33.33])
            start = d2s(c["born"]) if c["born"] > START else (
                "" if rng.random() < 0.5 else d2s(dt.date(rng.randint(2012, 2020),
                                                         rng.randint(1, 12), rng.randint(1, 28))))
            own.append((p, c, share, start, ""))
    # one private stake sold in 2023
    sold = [o for o in own if o[0]["kind"] == "company" and o[3] < "2023-01-01"][0]
    own[own.index(sold)] = (sold[0], sold[1], sold[2], sold[3], "2023-03-31")

    # -- sanctions (fictional) ------------------------------------------------------------
    sanctions = []
    tranche = {
        "OFAC": ["2021-04-15", "2022-02-24", "2022-03-11", "2022-03-31", "2022-05-08",
                 "2022-06-28", "2022-09-15", "2022-12-15", "2023-02-24", "2023-04-12",
                 "2023-05-19", "2023-07-20", "2023-09-14", "2023-11-02", "2023-12-12"],
        "EU": ["2022-02-25", "2022-03-15", "2022-04-08", "2022-06-03", "2022-10-06",
               "2022-12-16", "2023-02-25", "2023-06-23", "2023-12-18"],
        "UK": ["2022-02-24", "2022-03-24", "2022-05-04", "2022-09-26", "2023-02-24",
               "2023-05-19", "2023-07-17", "2023-12-11"],
        "JP": ["2022-03-01", "2022-05-10", "2022-09-26", "2023-01-27", "2023-03-07",
               "2023-05-26", "2023-12-08"],
        "US-BIS": ["2021-06-16", "2021-11-26", "2022-03-03", "2022-04-07", "2022-06-28",
                   "2022-10-21", "2023-02-24", "2023-05-19", "2023-06-12", "2023-11-06"],
        "DoD": ["2021-06-03", "2022-10-05", "2023-01-31"],
        "US-State": ["2021-03-24", "2022-01-21", "2023-02-03"],
    }
    reasons = {
        "aero": "supplying aviation components to Russia's defence industry",
        "elec": "supplying dual-use electronics to Russian military end users",
        "mach": "supplying machine tools to Russian defence manufacturers",
        "gen": "acting as an intermediary for restricted goods bound for Russia",
    }

    def programs(auth, country):
        if auth == "OFAC":
            return "SDN (BELARUS-EO14038)" if country == "BY" else "SDN (RUSSIA-EO14024)"
        if auth == "EU":
            if country == "BY":
                return "Reg. 765/2006 Annex I (asset freeze)"
            return rng.choice(["Reg. 269/2014 Annex I (asset freeze)",
                               "Reg. 833/2014 Annex IV (export restrictions)"])
        if auth == "UK":
            return "Belarus regime" if country == "BY" else "Russia regime"
        if auth == "JP":
            return "METI export ban (Russia)"
        if auth == "US-BIS":
            return "Entity List"
        if auth == "DoD":
            return "Section 1260H list"
        return rng.choice(["INKSNA", "Missile sanctions (AECA/EAA)"])

    def authorities(country):
        if country in ("RU", "BY"):
            return ["OFAC", "EU", "UK", "JP", "US-BIS"]
        if country == "CN":
            return ["US-BIS", "OFAC", "DoD", "US-State", "EU"]
        if country == "HK":
            return ["US-BIS", "OFAC", "EU", "UK"]
        return ["OFAC", "US-BIS", "UK", "EU"]

    cands = [e for e in ents if e["kind"] != "state_owner"]
    cands.sort(key=lambda e: -(e["weight"] * (3.0 if e["country"] in ("RU", "BY") else 1.0)
                               * (2.0 if e["sector"] == "aero" else 1.0)))
    pool = cands[:110]
    rng.shuffle(pool)
    listed_ents = pool[:36]
    listed_ents.sort(key=lambda e: e["key"])
    for i, e in enumerate(listed_ents):
        auths = authorities(e["country"])
        if e["country"] != "CN" and "DoD" in auths:
            auths.remove("DoD")
        k = 1 if rng.random() < 0.45 else 2 if rng.random() < 0.7 else 3
        chosen = []
        for a in rng.sample(auths, k=min(k, len(auths))):
            chosen.append(a)
        for a in chosen:
            dates = tranche[a]
            if e["born"] > START:
                dates = [x for x in dates if x >= d2s(e["born"])] or [dates[-1]]
            listed = rng.choice(dates)
            delisted = ""
            if a == "US-State":
                d = dt.date.fromisoformat(listed)
                delisted = d2s(d.replace(year=d.year + 2))
            elif i in (5, 22) and a == chosen[0]:
                delisted = d2s(dt.date.fromisoformat(listed) + dt.timedelta(days=rng.randint(200, 500)))
                if delisted > "2023-12-31":
                    delisted = ""
            prog = programs(a, e["country"])
            if any(s[0] is e and s[1] == a and s[2] == prog and s[3] == listed for s in sanctions):
                continue
            reason = ("Illustrative: transfers of controlled items to a country of concern"
                      if a == "US-State" else "Illustrative: " + reasons[e["sector"]])
            sanctions.append((e, a, prog, listed, delisted, reason))

    def sanctioned_on(e, day, auths=None):
        ds = d2s(day)
        for s in sanctions:
            if s[0] is e and (auths is None or s[1] in auths) and s[3] <= ds and \
                    (not s[4] or ds < s[4]):
                return True
        return False

    # -- trade pairs ----------------------------------------------------------------------
    by_country = {}
    for e in ents:
        by_country.setdefault(e["country"], []).append(e)

    def pool_of(countries, kinds=("company", "subsidiary", "plant"), sectors=None):
        out = []
        for c in countries:
            for e in by_country.get(c, []):
                if e["kind"] in kinds and (sectors is None or e["sector"] in sectors):
                    out.append(e)
        return out

    def wchoice(cands):
        return rng.choices(cands, weights=[e["weight"] for e in cands], k=1)[0]

    pairs = {}  # (shipper key, consignee key) -> dict

    def add_pair(s, c, a, b, boost=1.0, profile=None):
        if s is c or (s["key"], c["key"]) in pairs:
            return
        a = max(a, s["born"], c["born"])
        if a > b:
            return
        pairs[(s["key"], c["key"])] = dict(s=s, c=c, a=a, b=b, boost=boost, profile=profile)

    ru_buyers = pool_of(BUYERS)
    ru_aero_state = [e for e in pool_of(["RU", "BY"], kinds=("subsidiary", "plant"))
                     if e["sector"] == "aero"]
    foreign_state = [e for e in pool_of(["CN", "IN", "KZ", "AE", "TR"],
                                        kinds=("subsidiary", "plant", "state_owner"))]
    eu_sup = pool_of(EU_SUPPLIERS)
    inter = pool_of(INTERMEDIARY)
    cn_sup = pool_of(["CN", "SG", "IN"])

    # A: EU suppliers -> Russian/Belarusian buyers, wound down after the invasion
    for s in eu_sup:
        for _ in range(rng.randint(2, 6)):
            c = wchoice(ru_buyers)
            r = rng.random()
            end = (INVASION + dt.timedelta(days=rng.randint(0, 45)) if r < 0.8
                   else dt.date(2022, rng.randint(4, 10), rng.randint(1, 28)))
            add_pair(s, c, START, end)
    # B: EU suppliers -> intermediaries, after the invasion
    for s in eu_sup:
        for _ in range(rng.randint(1, 4)):
            c = wchoice([e for e in inter if e["country"] in ("TR", "AE", "KZ", "AM", "KG", "HK")])
            add_pair(s, c, rand_date(rng, POST, dt.date(2022, 12, 31)), END)
    # C: intermediaries -> Russian/Belarusian buyers: most routes open after the invasion
    for s in inter:
        for _ in range(max(1, int(rng.paretovariate(1.3) * 1.6))):
            c = wchoice(ru_buyers)
            if s["born"] == START and rng.random() < 0.3:
                add_pair(s, c, START, END, boost=2.0)
            else:
                add_pair(s, c, rand_date(rng, POST, dt.date(2023, 6, 30)), END)
    # D: Chinese (and SG/IN) suppliers -> Russian/Belarusian buyers, growing after Feb 2022
    for s in cn_sup:
        for _ in range(max(1, int(rng.paretovariate(1.2) * 1.8))):
            c = wchoice(ru_buyers)
            if rng.random() < 0.6:
                add_pair(s, c, START, END, boost=2.5)
            else:
                add_pair(s, c, rand_date(rng, POST, dt.date(2023, 6, 30)), END)
    # E: Chinese suppliers -> intermediaries
    for s in pool_of(["CN"]):
        for _ in range(rng.randint(0, 2)):
            c = wchoice([e for e in inter if e["country"] != "CN"])
            add_pair(s, c, START if rng.random() < 0.4 else rand_date(rng, POST, dt.date(2023, 3, 31)),
                     END, boost=2.0)
    # F: Russian/Belarusian exports
    for s in pool_of(["RU", "BY"]):
        if rng.random() < 0.45:
            for _ in range(rng.randint(1, 3)):
                c = wchoice(pool_of(["CN", "IN", "KZ", "AE", "TR", "HK", "UZ", "MN", "AM"]))
                add_pair(s, c, START, END)
    # G: state-to-state aviation trade (fictional groups only)
    for s in ru_aero_state:
        for _ in range(rng.randint(1, 3)):
            c = wchoice(foreign_state)
            add_pair(s, c, START, END, profile="aero")
    for s in [e for e in foreign_state if e["country"] == "CN" and e["sector"] == "aero"]:
        for _ in range(rng.randint(1, 2)):
            c = wchoice(ru_aero_state)
            add_pair(s, c, START, END, boost=1.5, profile="aero")

    # -- shipments ------------------------------------------------------------------------
    pair_list = [pairs[k] for k in pairs]  # insertion order: deterministic
    for p in pair_list:
        s, c = p["s"], p["c"]
        years = ((p["b"] - p["a"]).days + 1) / 365.0
        p["raw"] = (s["weight"] ** 0.8) * (c["weight"] ** 0.6) * log_uniform(rng, 0.3, 3.0) \
            * years * (p["boost"] if p["a"] < POST < p["b"] else 1.0)
        aero = p["profile"] == "aero" or s["sector"] == "aero" or \
            (c["sector"] == "aero" and c["kind"] != "company" and rng.random() < 0.3)
        if aero:
            types = ["Mi-171E", "Mi-171Sh", "helicopter", "jet engine", "radio", "navigation",
                     "aircraft parts", "electronics", "bearings", "other"]
            w = [14, 2, 6, 12, 8, 8, 12, 20, 10, 8]
        elif s["sector"] == "elec":
            types = ["electronics", "other", "bearings", "radio", "navigation"]
            w = [80, 8, 4, 4, 4]
        elif s["sector"] == "mach":
            types = ["machine tools", "bearings", "other", "electronics"]
            w = [50, 30, 15, 5]
        else:
            types = CIVIL_TYPES + ["radio", "navigation", "aircraft parts"]
            w = [30, 20, 15, 28, 2, 2, 3]
        primary = rng.choices(types, weights=w, k=1)[0]
        p["types"], p["w"], p["primary"] = types, w, primary
    total_raw = sum(p["raw"] for p in pair_list)
    target = 3300 - len(pair_list)
    scale = target / total_raw

    shipments = []
    eu_auth = ("EU", "UK", "OFAC")
    for p in pair_list:
        s, c = p["s"], p["c"]
        n = 1 + int(p["raw"] * scale + rng.random())
        n = min(n, 160)
        # date sampling: the part after POST weighs `boost` times more
        a, b = p["a"], p["b"]
        segs = []
        if a < POST <= b and p["boost"] != 1.0:
            segs = [(a, POST - dt.timedelta(days=1), (POST - a).days),
                    (POST, b, ((b - POST).days + 1) * p["boost"])]
        else:
            segs = [(a, b, (b - a).days + 1)]
        whole_ok = s["country"] in ("RU", "BY") and s["kind"] in ("plant", "subsidiary") \
            and s["sector"] == "aero"
        for _ in range(n):
            seg = rng.choices(segs, weights=[x[2] for x in segs], k=1)[0]
            day = rand_date(rng, seg[0], seg[1])
            if s["country"] in EU_SUPPLIERS and sanctioned_on(c, day, eu_auth):
                continue  # EU suppliers stop shipping to listed parties
            part = p["primary"] if rng.random() < 0.7 else \
                rng.choices(p["types"], weights=p["w"], k=1)[0]
            if part == "Mi-171Sh" and day < POST:
                part = "Mi-171E"
            if c["country"] in EAEU or s["country"] in ("RU", "BY"):
                lang = "ru" if rng.random() < 0.85 else "en"
            elif s["country"] in ("CN", "HK"):
                lang = "zh" if rng.random() < 0.45 else "en"
            else:
                lang = "en"
            whole = part == "helicopter" and whole_ok and rng.random() < 0.5
            desc, hs, q, unit, value = make_goods(rng, part, day, lang, whole)
            shipments.append(dict(date=day, s=s, c=c, part=part, desc=desc, hs=hs, q=q,
                                  unit=unit, value=value, eaeu=c["country"] in EAEU))
    shipments.sort(key=lambda x: (x["date"], x["s"]["key"], x["c"]["key"], x["desc"]))
    for i, x in enumerate(shipments, start=1):
        if x["eaeu"] and rng.random() < 0.8:
            post = rng.choice(["10999010", "10999020", "10999031", "10999046", "10999052"])
            x["ref"] = f"{post}/{x['date'].strftime('%d%m%y')}/{i:07d}"
            x["hs"] = x["hs"] + "0000"
        else:
            x["ref"] = f"SYN-{i:06d}"
    return ents, own, sanctions, shipments


# =============================================================================================
# Output
# =============================================================================================

def fmt_num(x):
    if isinstance(x, int) or float(x).is_integer():
        return str(int(x))
    return f"{x:.2f}".rstrip("0").rstrip(".")


def write_csv(name, header, rows):
    path = os.path.join(HERE, name)
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        w.writerow(header)
        for r in rows:
            w.writerow(r)
    return path


def main():
    rng = random.Random(SEED)
    ents, own, sanctions, shipments = build_synthetic(rng)

    entity_rows = []
    for key, name, kind, country, so, aliases, src in REAL_ENTITIES:
        entity_rows.append([key, name, kind, country, "true" if so else "false",
                            " | ".join(aliases), IDENTIFIERS.get(key, ""), src])
    for e in ents:
        entity_rows.append([e["key"], e["name"], e["kind"], e["country"],
                            "true" if e["state_owned"] else "false", " | ".join(e["aliases"]),
                            "", SYN_ENTITY_SOURCE])

    ownership_rows = [list(r) for r in REAL_OWNERSHIP]
    for p, c, share, start, end in own:
        ownership_rows.append([p["key"], c["key"], fmt_num(share), start, end, SYN_OWNERSHIP_SOURCE])

    sanction_rows = [list(r) for r in REAL_SANCTIONS]
    for e, a, prog, listed, delisted, reason in sanctions:
        sanction_rows.append([e["key"], a, prog, listed, delisted, reason, SYN_SANCTION_SOURCE])

    ship_rows = [list(r) for r in REAL_SHIPMENTS]
    for x in shipments:
        ship_rows.append([d2s(x["date"]), x["s"]["key"], x["c"]["key"], x["part"], x["desc"],
                          x["hs"], fmt_num(x["q"]) if x["unit"] != "kg" else f"{x['q']:.1f}",
                          x["unit"], f"{x['value']:.2f}", x["ref"], SYN_SHIPMENT_SOURCE])
    ship_rows.sort(key=lambda r: (r[0], r[9]))

    write_csv("entities.csv", ENTITY_HEADER, entity_rows)
    write_csv("ownership.csv", OWNERSHIP_HEADER, ownership_rows)
    write_csv("sanctions.csv", SANCTION_HEADER, sanction_rows)
    write_csv("shipments.csv", SHIPMENT_HEADER, ship_rows)
    print(f"entities {len(entity_rows)}, ownership {len(ownership_rows)}, "
          f"sanctions {len(sanction_rows)}, shipments {len(ship_rows)}")

    sys.path.insert(0, HERE)
    sys.dont_write_bytecode = True
    import check_sample
    return check_sample.main([])


if __name__ == "__main__":
    sys.exit(main())
