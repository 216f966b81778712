#!/usr/bin/env python3
"""Profiles for the benchmark, made from the bundled examples by editing their
text (standard library only, deterministic: the same arguments give the same
files byte for byte).

    profiles.py variants --out DIR [--count 1000] EXAMPLE.yaml...
        DIR/p0000.yaml ... : example i % len(EXAMPLES), with the organization's
        name and short name (so every pack gets its own slug), every person's
        name and e-mail, and every vendor's name changed. A profile that
        `extends` a parent gets a copy of the parent under DIR/base/, so a glob
        DIR/*.yaml matches only the variants.

    profiles.py incremental --out DIR EXAMPLE.yaml
        DIR/profile.yaml (the example, parent copied beside it) and
        DIR/profile-changed.yaml: the same with one value changed, the contact
        of the first vendor that has one (or, failing that, the first
        vendor's name). Prints the change.

Edits are made on the text, line by line, so comments and flow style stay as
they were; the example profiles write people and vendors as one-line flow
mappings ({ name: ..., ... }), which is what the patterns match.
"""

import argparse
import re
import shutil
import sys
from pathlib import Path

FIRST = ["Avery", "Blake", "Carmen", "Dmitri", "Elif", "Farah", "Gustavo", "Hana", "Imani", "Jonas",
         "Keiko", "Luis", "Mira", "Nadia", "Omar", "Pilar", "Quinn", "Rosa", "Soren", "Talia",
         "Umar", "Vera", "Wren", "Ximena", "Yusuf", "Zora"]
LAST = ["Abbott", "Bianchi", "Castillo", "Dunmore", "Eriksen", "Fontaine", "Garber", "Huang",
        "Iversen", "Jansen", "Kowalski", "Lindgren", "Mbeki", "Nakamura", "Oyelaran", "Petrov",
        "Quintero", "Rasmussen", "Sato", "Tremblay", "Ueda", "Valdez", "Whitfield", "Yilmaz"]
PLACES = ["Alder Creek", "Bayview", "Cedar Hollow", "Driftwood", "Elm Ridge", "Fox Hill",
          "Granite Falls", "Heron Bay", "Ironwood", "Juniper Valley", "Kestrel Point", "Larkspur",
          "Maple Grove", "North Fork", "Oak Harbor", "Pine Bluff", "Quarry Lake", "Redstone",
          "Silver Lake", "Timberline", "Union Gap", "Vista Mesa", "Willow Bend", "Yarrow Park"]
ORG_KINDS = ["Family Health", "Medical Group", "Community Clinic", "Health Partners",
             "Regional Medical Center", "Specialty Associates", "Care Network"]
VENDOR_WORDS = ["Apex", "Beacon", "Crest", "Delta", "Evergreen", "Fulcrum", "Granite", "Harbor",
                "Keystone", "Lumen", "Meridian", "Northwind", "Orbit", "Pinnacle", "Summit", "Vector"]
VENDOR_KINDS = ["Systems", "Health IT", "Data Services", "Solutions", "Networks", "Partners"]

PERSON = re.compile(r"^(\s+[A-Za-z_]+:\s*\{\s*name:\s*)([^,]+)(,.*?email:\s*)([^,}\s]+)(.*)$")
VENDOR = re.compile(r"^(\s*-\s*\{\s*name:\s*)([^,]+)(,\s*service:.*)$")
ORG_NAME = re.compile(r"^(  name:\s*)(.+)$")
SHORT_NAME = re.compile(r"^(  short_name:\s*)(.+)$")
EXTENDS = re.compile(r"^extends:\s*(.+?)\s*$")


def slugish(s):
    return re.sub(r"[^a-z0-9]+", "", s.lower())


def copy_parent(example, text, dest_dir, prefix):
    """Copy the profile's `extends` parent to dest_dir/prefix and point at it."""
    out = []
    for line in text.splitlines(keepends=True):
        m = EXTENDS.match(line)
        if m:
            parent = (example.parent / m.group(1)).resolve()
            target = dest_dir / prefix / parent.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(parent, target)
            rel = f"{prefix}/{parent.name}" if prefix else parent.name
            line = f"extends: {rel}\n"
        out.append(line)
    return "".join(out)


def variant(text, i):
    place = PLACES[i % len(PLACES)]
    kind = ORG_KINDS[(i // len(PLACES)) % len(ORG_KINDS)]
    domain = f"{slugish(place)}{i:04d}.example"
    section = None
    person_n = vendor_n = 0
    out = []
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\n")
        if re.match(r"^[A-Za-z_]+:", body):
            section = body.split(":", 1)[0]
        if section == "organization" and ORG_NAME.match(body):
            body = ORG_NAME.sub(lambda m: f"{m.group(1)}{place} {kind} {i:04d}", body)
        elif section == "organization" and SHORT_NAME.match(body):
            body = SHORT_NAME.sub(lambda m: f"{m.group(1)}{place} {i:04d}", body)
        elif section == "people" and PERSON.match(body):
            first = FIRST[(i * 7 + person_n * 3) % len(FIRST)]
            last = LAST[(i * 5 + person_n * 11) % len(LAST)]
            body = PERSON.sub(
                lambda m: f"{m.group(1)}{first} {last}{m.group(3)}"
                f"{first.lower()}.{last.lower()}@{domain}{m.group(5)}", body)
            person_n += 1
        elif section == "vendors" and VENDOR.match(body):
            word = VENDOR_WORDS[(i + vendor_n * 5) % len(VENDOR_WORDS)]
            vkind = VENDOR_KINDS[(i // 3 + vendor_n) % len(VENDOR_KINDS)]
            body = VENDOR.sub(lambda m: f"{m.group(1)}{word} {vkind}{m.group(3)}", body)
            vendor_n += 1
        out.append(body + "\n")
    result = "".join(out)
    if "short_name:" not in result:
        # every variant needs its own pack folder: add a short name after the name
        result = re.sub(r"(?m)^(organization:\n)", lambda m: f"{m.group(1)}  short_name: {place} {i:04d}\n",
                        result, count=1)
    return result


def cmd_variants(a):
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("p*.yaml"):
        old.unlink()
    examples = [Path(e) for e in a.examples]
    texts = [copy_parent(e, e.read_text(encoding="utf-8"), out, "base") for e in examples]
    for i in range(a.count):
        k = i % len(examples)
        (out / f"p{i:04d}.yaml").write_text(variant(texts[k], i), encoding="utf-8")
    print(f"{a.count} profiles in {out}")


def cmd_incremental(a):
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    example = Path(a.examples[0])
    text = copy_parent(example, example.read_text(encoding="utf-8"), out, "")
    (out / "profile.yaml").write_text(text, encoding="utf-8")
    lines = text.splitlines(keepends=True)
    section = None
    change = None
    for n, line in enumerate(lines):
        if re.match(r"^[A-Za-z_]+:", line):
            section = line.split(":", 1)[0]
        if section == "vendors" and "contact:" in line:
            m = re.search(r"contact:\s*([^,}\s]+)", line)
            if m:
                new = "desk-" + m.group(1)
                lines[n] = line[:m.start(1)] + new + line[m.end(1):]
                change = f"vendors: contact {m.group(1)} -> {new}"
                break
    if change is None:
        for n, line in enumerate(lines):
            m = VENDOR.match(line.rstrip("\n"))
            if m:
                lines[n] = VENDOR.sub(lambda m: f"{m.group(1)}{m.group(2)} Services{m.group(3)}",
                                      line.rstrip("\n")) + "\n"
                change = f"vendors: name {m.group(2)} -> {m.group(2)} Services"
                break
    if change is None:
        sys.exit(f"{example}: no vendor to change")
    (out / "profile-changed.yaml").write_text("".join(lines), encoding="utf-8")
    print(change)


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    v = sub.add_parser("variants")
    v.add_argument("--out", required=True)
    v.add_argument("--count", type=int, default=1000)
    v.add_argument("examples", nargs="+")
    v.set_defaults(fn=cmd_variants)
    i = sub.add_parser("incremental")
    i.add_argument("--out", required=True)
    i.add_argument("examples", nargs=1)
    i.set_defaults(fn=cmd_incremental)
    a = ap.parse_args()
    a.fn(a)


if __name__ == "__main__":
    main()
