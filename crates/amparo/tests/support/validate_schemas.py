"""Checks JSON documents against JSON Schemas (draft 2020-12): each argument is SCHEMA=DOCUMENT.
Prints every violation with its path and exits 1 when there is any. Used by the organisation
archive's tests as a checker independent of the code that writes the archive."""

import json
import sys

import jsonschema


def main(pairs):
    failures = 0
    for pair in pairs:
        schema_path, document_path = pair.split("=", 1)
        with open(schema_path, encoding="utf-8") as f:
            schema = json.load(f)
        with open(document_path, encoding="utf-8") as f:
            document = json.load(f)
        validator = jsonschema.Draft202012Validator(schema)
        validator.check_schema(schema)
        for error in validator.iter_errors(document):
            failures += 1
            where = "/".join(str(p) for p in error.absolute_path)
            print(f"{document_path}: {where}: {error.message}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
