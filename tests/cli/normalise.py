#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""normalise.py: make a mavis report comparable with checked-in expected output.

    normalise.py VERSION SIGDIR SIGSHA256 < report > normalised

Replaces what changes between runs and builds without changing what a report says: the
mavis version, the signatures folder and its digest, a CycloneDX serial number and time, the
folder SARIF's relative URIs are relative to (%SRCROOT%: the temporary test folder). In
SARIF the rules table and the indexes into it are dropped (they grow whenever a rule is
added; tests/unit/check_rules checks the table itself).
"""

import json
import re
import sys


def main():
    version, sigdir, sigsha = sys.argv[1:4]
    text = sys.stdin.read()
    text = text.replace(sigsha, "SIGNATURES-SHA256").replace(sigsha[:16], "SIGNATURES-SHA256")
    text = text.replace(sigdir, "SIGNATURES")
    text = re.sub(r"urn:uuid:[0-9a-f-]{36}", "urn:uuid:SERIAL", text)
    text = re.sub(r'"timestamp": "[0-9T:Z-]+"', '"timestamp": "TIME"', text)
    text = re.sub(r"\bmavis " + re.escape(version) + r"\b", "mavis VERSION", text)
    try:
        doc = json.loads(text)
    except ValueError:
        sys.stdout.write(text)
        return
    for k in ("mavis",):
        if isinstance(doc, dict) and k in doc:
            doc[k] = "VERSION"
    if isinstance(doc, dict) and doc.get("version") == "2.1.0" and "runs" in doc:
        for run in doc["runs"]:
            d = run["tool"]["driver"]
            d["version"] = d["semanticVersion"] = "VERSION"
            d["rules"] = "RULES"
            base = run.get("originalUriBaseIds", {}).get("%SRCROOT%")
            if base is not None:
                base["uri"] = "SRCROOT"
            for r in run.get("results", []):
                r.pop("ruleIndex", None)
    if isinstance(doc, dict) and doc.get("bomFormat") == "CycloneDX":
        for t in doc["metadata"]["tools"]["components"]:
            t["version"] = "VERSION"
    json.dump(doc, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
