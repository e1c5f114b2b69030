#!/usr/bin/env python3
"""Where mapsafe spends its time, from a Java Flight Recorder recording of one Error Prone compilation or SpotBugs run.

  profile.py <jfr binary> <recording.jfr>

Prints the share of all execution samples that run mapsafe code, split by check (the pattern class on the stack)
(the Error Prone check or SpotBugs detector on the stack) and by analysis (the innermost mapsafe method on the stack):
which check costs, and in what.
"""
import collections
import re
import subprocess
import sys

PATTERNS = re.compile(r"dev\.mapsafe\.\w+\.patterns\.([A-Za-z]+)")
MAPSAFE = "dev.mapsafe."


def samples(jfr, recording):
    text = subprocess.run([jfr, "print", "--events", "jdk.ExecutionSample", "--stack-depth", "256", recording],
                          check=True, capture_output=True, text=True).stdout
    for event in text.split("jdk.ExecutionSample")[1:]:
        frames = re.findall(r"^\s+([\w.$<>]+)\(", event, re.M)
        if frames:
            yield frames


def main():
    total = 0
    mapsafe = 0
    by_check = collections.Counter()
    by_analysis = collections.Counter()
    for frames in samples(sys.argv[1], sys.argv[2]):
        total += 1
        ours = [f for f in frames if f.startswith(MAPSAFE)]
        if not ours:
            continue
        mapsafe += 1
        checks = [m.group(1) for m in map(PATTERNS.match, ours) if m]
        by_check[checks[-1] if checks else "(shared)"] += 1
        by_analysis[re.sub(r"\$\d+|\$lambda\$\w+|lambda\$(\w+)\$\d+", r"\1", ours[0][len(MAPSAFE):])] += 1
    if total == 0:
        print("no samples")
        return
    print(f"samples: {total}, in mapsafe: {mapsafe} ({100 * mapsafe / total:.1f}%)")
    print("by check (% of all samples):")
    for name, count in sorted(by_check.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"  {100 * count / total:5.1f}%  {name}")
    print("by innermost mapsafe method (% of all samples, top 15):")
    for name, count in sorted(by_analysis.items(), key=lambda kv: (-kv[1], kv[0]))[:15]:
        print(f"  {100 * count / total:5.1f}%  {name}")


if __name__ == "__main__":
    main()
