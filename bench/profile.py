#!/usr/bin/env python3
"""Where mapsafe spends its time, from a Java Flight Recorder recording of one Error Prone compilation or SpotBugs run.

  profile.py <jfr binary> <recording.jfr>

Prints the share of all execution samples that run mapsafe code, split by check (the Error Prone check or SpotBugs
detector on the stack), by the analyses each check asked (the mapsafe frame just inside the check's), and by the
innermost mapsafe method on the stack: which check costs, and in what.
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


def short(frame):
    """A mapsafe frame without the package prefix and the suffixes of lambdas and nested classes."""
    return re.sub(r"\$\d+|\$lambda\$\w+|lambda\$(\w+)\$\d+", r"\1", frame[len(MAPSAFE):])


def main():
    total = 0
    mapsafe = 0
    by_check = collections.Counter()
    by_analysis = collections.Counter()
    by_check_entry = collections.defaultdict(collections.Counter)
    for frames in samples(sys.argv[1], sys.argv[2]):
        total += 1
        ours = [f for f in frames if f.startswith(MAPSAFE)]
        if not ours:
            continue
        mapsafe += 1
        checks = [m.group(1) for m in map(PATTERNS.match, ours) if m]
        check = checks[-1] if checks else "(shared)"
        by_check[check] += 1
        by_analysis[short(ours[0])] += 1
        # The analysis the check asked: the mapsafe frame just inside the check's innermost frame.
        inner = next((i for i, f in enumerate(ours) if PATTERNS.match(f)), None)
        by_check_entry[check][short(ours[inner - 1]) if inner else "(the check itself)"] += 1
    if total == 0:
        print("no samples")
        return
    print(f"samples: {total}, in mapsafe: {mapsafe} ({100 * mapsafe / total:.1f}%)")
    print("by check (% of all samples):")
    for name, count in sorted(by_check.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"  {100 * count / total:5.1f}%  {name}")
    print("by check, the analyses it asked (% of all samples, top 3 each):")
    for name, _ in sorted(by_check.items(), key=lambda kv: (-kv[1], kv[0])):
        top = sorted(by_check_entry[name].items(), key=lambda kv: (-kv[1], kv[0]))[:3]
        print(f"  {name}: " + ", ".join(f"{entry} {100 * count / total:.1f}%" for entry, count in top))
    print("by innermost mapsafe method (% of all samples, top 15):")
    for name, count in sorted(by_analysis.items(), key=lambda kv: (-kv[1], kv[0]))[:15]:
        print(f"  {100 * count / total:5.1f}%  {name}")


if __name__ == "__main__":
    main()
