#!/usr/bin/env python3
"""The judged real-code ledger, bench/ledger.tsv: every finding of mapsafe on the corpus, with a verdict.
docs/real-code.md's per-pattern table is rendered from it by the docs tests (RealCodePageTest).

  ledger.py merge <verdicts.tsv>...   add judges' verdicts (key, library, version, pattern, class, method,
                                      verdict, shape, reason); run "update" after it
  ledger.py update                    mark each ledger row reported / gone after a new run; add unjudged rows
  ledger.py check                     fails when a finding of the current run is unjudged, or a finding judged
                                      true is gone (a pattern must never lose a true finding)

Columns: key, library, version, engine, pattern, class, method, status, verdict, shape, reason. "status" says
whether the current code still reports the finding ("reported") or no longer does ("gone": a false alarm that an
analysis fix removed, kept so its verdict is remembered).
"""
import glob
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LEDGER = os.path.join(ROOT, "bench", "ledger.tsv")
WORK = os.path.join(ROOT, "target", "bench")
COLUMNS = ["key", "library", "version", "engine", "pattern", "class", "method", "status", "verdict", "shape",
           "reason"]


def read_ledger():
    rows = {}
    if os.path.exists(LEDGER):
        for line in open(LEDGER, encoding="utf-8"):
            if line.startswith("#") or not line.strip():
                continue
            values = line.rstrip("\n").split("\t")
            rows[values[0]] = dict(zip(COLUMNS, values + [""] * (len(COLUMNS) - len(values))))
    return rows


def write_ledger(rows):
    with open(LEDGER, "w", encoding="utf-8") as out:
        out.write("# mapsafe's findings on real code, judged by reading each library's source (bench/ledger.py)\n")
        out.write("# " + "\t".join(COLUMNS) + "\n")
        for key in sorted(rows, key=lambda k: (rows[k]["library"], rows[k]["pattern"], rows[k]["class"], k)):
            out.write("\t".join(rows[key][c] for c in COLUMNS) + "\n")


def current_findings():
    """Findings of the last run: one per key, both engines merged ("spotbugs+errorprone")."""
    found = {}
    for path in sorted(glob.glob(os.path.join(WORK, "findings-*.tsv"))):
        for line in open(path, encoding="utf-8"):
            values = line.rstrip("\n").split("\t")
            if len(values) < 9:
                continue
            key, library, version, engine, pattern, cls, method = values[:7]
            if key in found:
                engines = set(found[key]["engine"].split("+")) | {engine}
                found[key]["engine"] = "+".join(sorted(engines, reverse=True))
            else:
                found[key] = dict(key=key, library=library, version=version, engine=engine, pattern=pattern,
                                  **{"class": cls}, method=method)
    return found


def update(rows, found):
    for key, row in rows.items():
        row["status"] = "reported" if key in found else "gone"
        if key in found:
            row["engine"] = found[key]["engine"]
    for key, finding in found.items():
        if key not in rows:
            rows[key] = dict(finding, status="reported", verdict="", shape="", reason="")


def merge(rows, paths):
    """Verdict files: key, library, version, pattern, class, method, verdict, shape, reason (tab-separated)."""
    for path in paths:
        for line in open(path, encoding="utf-8"):
            values = line.rstrip("\n").split("\t")
            if len(values) < 9 or values[6] not in ("true", "false", "unsure"):
                continue
            key, library, version, pattern, cls, method, verdict, shape, reason = values[:9]
            row = rows.get(key) or dict(key=key, library=library, version=version, engine="spotbugs",
                                        pattern=pattern, method=method, status="reported", **{"class": cls})
            row.update(verdict=verdict, shape=shape, reason=reason.replace("\t", " "))
            rows[key] = row


def check(rows):
    problems = [f"unjudged: {r['key']} ({r['library']})" for r in rows.values()
                if r["status"] == "reported" and not r["verdict"]]
    problems += [f"a finding judged true is gone: {r['key']} ({r['library']}): {r['reason']}"
                 for r in rows.values() if r["status"] == "gone" and r["verdict"] == "true"]
    for p in problems:
        print(p)
    return 1 if problems else 0


def main():
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    rows = read_ledger()
    if command == "merge":
        merge(rows, sys.argv[2:])
        write_ledger(rows)
    elif command == "update":
        update(rows, current_findings())
        write_ledger(rows)
    elif command == "check":
        sys.exit(check(rows))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
