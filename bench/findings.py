#!/usr/bin/env python3
"""Turns one engine's report on one library into ledger rows (tab-separated, sorted, deterministic).

  findings.py spotbugs <library> <version> <spotbugs.xml>
  findings.py errorprone <library> <version> <javac.log> <source root>

A row: key, library, version, engine, pattern, class, method, line, message. The key names the finding without
its line numbers (see keyed), so a judged finding keeps its verdict when the library or mapsafe moves code
around; the engine is not part of it, so the two engines' findings of one bug meet in the ledger.
"""
import hashlib
import os
import re
import sys
import xml.etree.ElementTree as ElementTree

CHECKS = {
    "UnguardedSharedMap": "MAPSAFE_UNGUARDED_SHARED_MAP",
    "UnlockedMapIteration": "MAPSAFE_UNLOCKED_MAP_ITERATION",
    "NonAtomicMapUpdate": "MAPSAFE_NON_ATOMIC_MAP_UPDATE",
    "RecursiveMapCompute": "MAPSAFE_RECURSIVE_MAP_COMPUTE",
    "MapModifiedDuringIteration": "MAPSAFE_MAP_MODIFIED_DURING_ITERATION",
    "MapWriteUnderReadLock": "MAPSAFE_MAP_WRITE_UNDER_READ_LOCK",
    "GuardedMapEscape": "MAPSAFE_GUARDED_MAP_ESCAPE",
    "ShallowMapCopyLeak": "MAPSAFE_SHALLOW_MAP_COPY_LEAK",
    "MutatedMapSnapshot": "MAPSAFE_MUTATED_MAP_SNAPSHOT",
}
NAMES = {bug_type: name for name, bug_type in CHECKS.items()}


def keyed(rows):
    """Rows (pattern, class, method, line, message) with their keys: pattern/Outer#method/subject, where the subject
    is the message's first word (the map, or the call that touches it), and #2, #3.. for more findings of one
    pattern on one subject in one method (in line order). Line numbers and the wording of the rest of the message
    are left out, so a verdict survives moved code and reworded messages."""
    groups = {}
    for pattern, cls, method, line, message in sorted(rows, key=lambda r: (r[0], r[1], r[2], int(r[3] or 0), r[4])):
        subject = re.split(r"[^A-Za-z0-9_$]", message.strip(), maxsplit=1)[0]
        base = f"{pattern}/{cls.split('$')[0]}#{method}/{subject}"
        groups[base] = groups.get(base, 0) + 1
        key = base if groups[base] == 1 else f"{base}#{groups[base]}"
        yield key, (pattern, cls, method, line, message)


def spotbugs(library, version, report):
    rows = []
    for bug in ElementTree.parse(report).getroot().iter("BugInstance"):
        pattern = NAMES.get(bug.get("type"))
        if pattern is None:
            continue
        cls = bug.find("Class").get("classname")
        method_element = bug.find("Method")
        method = method_element.get("name") if method_element is not None else ""
        line_element = bug.find("SourceLine")
        line = line_element.get("start", "") if line_element is not None else ""
        message = bug.findtext("LongMessage", "").strip()
        rows.append((pattern, cls, method, line, message))
    return rows


# A method or constructor declaration: modifiers or a return type, then the name and its parameter list.
ENCLOSING = re.compile(r"^\s*(?:@\w+(?:\([^)]*\))?\s+)*((?:[\w.<>\[\]?,]+\s+)+)(\w+)\s*\([^;=]*$")
STATEMENT_WORDS = {"throw", "return", "new", "if", "for", "while", "switch", "catch", "synchronized", "else", "try",
                   "case", "assert", "do", "yield"}


def errorprone(library, version, log, root):
    rows = []
    for match in re.finditer(r"^(\S+\.java):(\d+): warning: \[(\w+)\] (.*)$", open(log, encoding="utf-8",
                                                                                   errors="replace").read(),
                             re.MULTILINE):
        path, line, check, message = match.groups()
        if check not in CHECKS:
            continue
        relative = os.path.relpath(os.path.abspath(path), os.path.abspath(root))
        cls = relative[:-len(".java")].replace("/", ".")
        rows.append((check, cls, enclosing_method(path, int(line)), line, message.strip()))
    return rows


def enclosing_method(path, line):
    """The name of the nearest method or constructor declared above the line: good enough for a key."""
    try:
        lines = open(path, encoding="utf-8", errors="replace").read().splitlines()[:line]
    except OSError:
        return ""
    for text in reversed(lines):
        found = ENCLOSING.match(text)
        if found and not set(found.group(1).split()) & STATEMENT_WORDS:
            return found.group(2)
    return ""


def main():
    engine, library, version = sys.argv[1:4]
    rows = spotbugs(library, version, sys.argv[4]) if engine == "spotbugs" \
        else errorprone(library, version, sys.argv[4], sys.argv[5])
    out = sorted({(key, library, version, engine, p, c, m, line, msg.replace("\t", " "))
                  for key, (p, c, m, line, msg) in keyed(rows)})
    for row in out:
        print("\t".join(row))


if __name__ == "__main__":
    main()
