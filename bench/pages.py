#!/usr/bin/env python3
"""Signs in to a running Amparo and requests case pages, the dashboard, the case list and the board, reading the server's own
`Server-Timing`, and weighs each page with its stylesheet (the pages have no script).

Usage: pages.py BASE_URL EMAIL PASSWORD [REQUESTS]
Prints p50/p99 server time and the mean and largest response size of each page, as JSON on the last
line; `largest_with_css_bytes` is what one page costs over the wire (HTML + CSS + JS).
"""
import http.client
import json
import random
import re
import sys
import urllib.parse


def main():
    base, email, password = sys.argv[1], sys.argv[2], sys.argv[3]
    requests = int(sys.argv[4]) if len(sys.argv) > 4 else 2000
    url = urllib.parse.urlparse(base)
    conn = http.client.HTTPConnection(url.hostname, url.port)

    def request(method, path, body=None, headers=None):
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response, response.read()

    response, page = request("GET", "/login")
    login_cookie = re.search(r"amparo_login_csrf=([0-9a-f]+)", response.getheader("set-cookie")).group(1)
    csrf = re.search(rb'name="csrf" value="([0-9a-f]+)"', page).group(1).decode()
    form = urllib.parse.urlencode({"csrf": csrf, "email": email, "password": password, "next": "/"})
    response, _ = request("POST", "/login", form, {
        "content-type": "application/x-www-form-urlencoded", "cookie": f"amparo_login_csrf={login_cookie}"})
    cookies = response.getheaders()
    session = next(v.split(";")[0] for k, v in cookies if k.lower() == "set-cookie" and v.startswith("amparo_session="))
    headers = {"cookie": session}

    # The list pages no further than offset 10,000, so the sample is spread across the
    # organisation by reading it from both ends in several orders.
    ids = []
    for order in ("sort=reference&dir=asc", "sort=reference&dir=desc", "sort=patient&dir=asc",
                  "sort=patient&dir=desc"):
        for offset in (0, 2500, 5000, 7500, 10000):
            response, body = request("GET", f"/api/v1/cases?{order}&limit=100&offset={offset}", headers=headers)
            assert response.status == 200, (order, offset, response.status, body[:200])
            ids.extend(c["id"] for c in json.loads(body)["items"])
    ids = sorted(set(ids))
    rng = random.Random(1)
    _, css = request("GET", "/static/app.css", headers=headers)

    def measure(paths):
        timings, sizes = [], []
        for path in paths:
            response, body = request("GET", path, headers=headers)
            assert response.status == 200, (path, response.status)
            timings.append(float(response.getheader("server-timing").split("dur=")[1]))
            sizes.append(len(body))
        timings.sort()
        pick = lambda q: timings[min(len(timings) - 1, int(q * len(timings)))]
        return {"requests": len(paths), "p50_ms": round(pick(0.50), 3), "p99_ms": round(pick(0.99), 3),
                "max_ms": round(timings[-1], 3), "mean_bytes": int(sum(sizes) / len(sizes)),
                "largest_with_css_bytes": max(sizes) + len(css)}

    case_page = measure([f"/cases/{rng.choice(ids)}" for _ in range(requests)])
    dashboard = measure(["/"] * max(1, requests // 4))
    # The case list's first page in each order, and one filtered and searched.
    lists = ["/cases", "/cases?sort=patient", "/cases?sort=next_deadline", "/cases?sort=score",
             "/cases?status=paroled&critical=true&due_within=30", "/cases?q=ma"]
    case_list = measure([lists[i % len(lists)] for i in range(max(1, requests // 4))])
    board = measure(["/triage", "/triage?critical=true"] * max(1, requests // 8))
    # The first result keeps the fields earlier scripts read.
    result = dict(case_page, css_bytes=len(css), case_page=case_page, dashboard=dashboard, case_list=case_list,
                  board=board)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
