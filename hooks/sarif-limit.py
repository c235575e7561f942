#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""sarif-limit.py FILE: bring a SARIF log within GitHub code scanning's upload limits, in place.

Code scanning refuses a file of more than 10 MB gzip-compressed and takes at most 25,000
results per run, 20 runs per file and 1,000 locations per result. Over a limit, the most severe
results are kept (mavis's severity, then the SARIF level, then security-severity) and what was
left out is said in the run's properties ("mavis-upload-limits") and as a tool execution
notification, and on standard error: never silently. More than 20 runs is an error.
Exit status: 0 within the limits (changed or not), 2 when the file cannot be read or brought
within them.
"""
import gzip
import json
import os
import sys
import tempfile

MAX_RESULTS = 25000
MAX_RUNS = 20
MAX_LOCATIONS = 1000
# 10 MB as decimal megabytes, the smaller reading of GitHub's "10 MB".
MAX_GZIP = int(os.environ.get("MAVIS_SARIF_MAX_GZIP", "10000000"))

SEVERITY = {"critical": 0, "high": 1, "medium": 2, "low": 3, "info": 4}
LEVEL = {"error": 0, "warning": 1, "note": 2, "none": 3}


def rank(result):
    props = result.get("properties") or {}
    try:
        score = -float(props.get("security-severity", 0))
    except (TypeError, ValueError):
        score = 0.0
    return (SEVERITY.get(props.get("severity"), 5), LEVEL.get(result.get("level", "warning"), 4),
            score)


def gzip_size(log):
    return len(gzip.compress(json.dumps(log, separators=(",", ":")).encode(), 6))


def note(run, text, limits):
    """Say in the run what the upload left out."""
    props = run.setdefault("properties", {})
    props["mavis-upload-limits"] = limits
    invocations = run.setdefault("invocations", [{"executionSuccessful": True}])
    if not invocations:
        invocations.append({"executionSuccessful": True})
    invocations[0].setdefault("toolExecutionNotifications", []).append(
        {"level": "warning", "message": {"text": text}})
    print("mavis: SARIF: " + text, file=sys.stderr)


def main(path):
    try:
        with open(path, encoding="utf-8") as f:
            log = json.load(f)
        runs = log["runs"]
        if not isinstance(runs, list):
            raise ValueError("runs is not an array")
    except (OSError, ValueError, KeyError, TypeError) as e:
        print(f"mavis: SARIF: {path}: cannot read it: {e}", file=sys.stderr)
        return 2
    if len(runs) > MAX_RUNS:
        print(f"mavis: SARIF: {path}: {len(runs)} runs, code scanning takes at most {MAX_RUNS}",
              file=sys.stderr)
        return 2
    changed = False
    order = {}
    for i, run in enumerate(runs):
        results = run.get("results") or []
        total = len(results)
        for r in results:
            locs = r.get("locations") or []
            if len(locs) > MAX_LOCATIONS:
                r["locations"] = locs[:MAX_LOCATIONS]
                r.setdefault("properties", {})["mavis-locations-dropped"] = len(locs) - MAX_LOCATIONS
                changed = True
        ranked = sorted(results, key=rank)
        order[i] = (ranked, total)
        if total > MAX_RESULTS:
            run["results"] = ranked[:MAX_RESULTS]
            changed = True
    # Within the result limit, cut what is kept of the largest run until the file fits, with
    # room left for the notes that say so.
    size = gzip_size(log)
    while size > MAX_GZIP - 4096:
        i = max(order, key=lambda k: len(runs[k].get("results") or []))
        kept = len(runs[i].get("results") or [])
        if kept == 0:
            print(f"mavis: SARIF: {path}: {size} bytes gzip-compressed with no results left; "
                  f"code scanning takes at most {MAX_GZIP}", file=sys.stderr)
            return 2
        # Aim just under the limit from the size per result, and always shrink.
        want = min(kept - 1, int(kept * (MAX_GZIP - 4096) / size * 0.95))
        runs[i]["results"] = order[i][0][:max(want, 0)]
        changed = True
        size = gzip_size(log)
    for i, run in enumerate(runs):
        total = order[i][1]
        kept = len(run.get("results") or [])
        if kept < total:
            why = (f"at most {MAX_RESULTS} results per run" if kept == MAX_RESULTS else
                   f"at most {MAX_GZIP} bytes gzip-compressed per upload")
            note(run, f"run {i}: {total} results, code scanning takes {why}: uploaded the "
                 f"{kept} most severe, left out {total - kept} (the full report is mavis's own "
                 f"output; the verdict counts them all)",
                 {"results": total, "uploaded": kept, "left_out": total - kept,
                  "max_results": MAX_RESULTS, "max_gzip_bytes": MAX_GZIP})
    if not changed:
        return 0
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".sarif-limit.", dir=directory)
    try:
        os.fchmod(fd, os.stat(path).st_mode & 0o777)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(log, f, separators=(",", ":"))
        os.replace(tmp, path)
    except OSError as e:
        os.unlink(tmp)
        print(f"mavis: SARIF: {path}: cannot write it: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: sarif-limit.py FILE", file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
