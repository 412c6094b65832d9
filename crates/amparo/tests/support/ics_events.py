#!/usr/bin/env python3
"""Parses an iCalendar feed from standard input with the `icalendar` package and prints its events as
JSON: uid, start (a date, or "datetime:" and a date-time), end and summary."""
import datetime
import json
import sys

import icalendar

calendar = icalendar.Calendar.from_ical(sys.stdin.buffer.read())
events = []
for component in calendar.walk("VEVENT"):
    start = component.decoded("DTSTART")
    end = component.decoded("DTEND")

    def shown(value):
        if isinstance(value, datetime.datetime):
            return "datetime:" + value.isoformat()
        return value.isoformat()

    events.append({
        "uid": str(component.get("UID")),
        "start": shown(start),
        "end": shown(end),
        "summary": str(component.get("SUMMARY")),
        "status": str(component.get("STATUS", "")),
    })
print(json.dumps({"name": str(calendar.get("X-WR-CALNAME", "")), "events": events}, ensure_ascii=False))
