"""Reads a CSV file on stdin with Python's csv module, strictly (a malformed quote is an error),
and prints its rows as a JSON list of lists, for the tests to compare."""

import csv
import io
import json
import sys

text = sys.stdin.buffer.read().decode("utf-8")
rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
json.dump(rows, sys.stdout, ensure_ascii=False)
