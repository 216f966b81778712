#!/usr/bin/env python3
"""Check the published JSON Schema as an editor would (CI, `.ci/run`).

    check-schema.py SCHEMA PROFILE...

Every profile given must pass (the shipped examples, including one that
`extends` its parent and leaves out what the parent gives), and a copy of
the first with a misspelt key, a missing required section and a year hicp
refuses must each fail: a schema that accepts everything would pass the
first half alone.
"""
import copy
import datetime
import json
import sys

import jsonschema
import yaml


def load(path):
    def plain(x):
        if isinstance(x, dict):
            return {k: plain(v) for k, v in x.items()}
        if isinstance(x, list):
            return [plain(v) for v in x]
        if isinstance(x, (datetime.date, datetime.datetime)):
            return x.isoformat()
        return x

    with open(path, encoding="utf-8") as f:
        return plain(yaml.safe_load(f))


def main():
    schema_path, profiles = sys.argv[1], sys.argv[2:]
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    failed = False
    for path in profiles:
        errors = [e.message for e in validator.iter_errors(load(path))]
        print(f"{path}: {'ok' if not errors else '; '.join(errors[:3])}")
        failed |= bool(errors)
    full = next(p for p in map(load, profiles) if "extends" not in p)
    broken = {
        "a misspelt key": lambda d: d["organization"].__setitem__("nmae", "x"),
        "no people": lambda d: d.pop("people"),
        "the year 1899": lambda d: d["documents"].__setitem__("effective_date", "1899-01-01"),
    }
    for what, spoil in broken.items():
        d = copy.deepcopy(full)
        spoil(d)
        if validator.is_valid(d):
            print(f"the schema accepts a profile with {what}")
            failed = True
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
