#!/usr/bin/env python3
"""Signs in to a running Amparo and requests case pages, reading the server's own `Server-Timing`.

Usage: pages.py BASE_URL EMAIL PASSWORD [REQUESTS]
Prints p50/p99 server time and the mean response size, as JSON on the last line.
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
    form = urllib.parse.urlencode({"csrf": csrf, "email": email, "password": password, "next": "/cases"})
    response, _ = request("POST", "/login", form, {
        "content-type": "application/x-www-form-urlencoded", "cookie": f"amparo_login_csrf={login_cookie}"})
    cookies = response.getheaders()
    session = next(v.split(";")[0] for k, v in cookies if k.lower() == "set-cookie" and v.startswith("amparo_session="))
    headers = {"cookie": session}

    ids = []
    offset = 0
    while len(ids) < 2000:
        response, body = request("GET", f"/api/v1/cases?limit=500&offset={offset}", headers=headers)
        batch = json.loads(body)["cases"]
        if not batch:
            break
        ids.extend(c["id"] for c in batch)
        offset += 4000 + len(batch)  # spread the sample across the organisation
    rng = random.Random(1)
    timings, sizes = [], []
    for _ in range(requests):
        response, body = request("GET", f"/cases/{rng.choice(ids)}", headers=headers)
        assert response.status == 200, response.status
        timings.append(float(response.getheader("server-timing").split("dur=")[1]))
        sizes.append(len(body))
    timings.sort()
    pick = lambda q: timings[min(len(timings) - 1, int(q * len(timings)))]
    result = {"requests": requests, "p50_ms": round(pick(0.50), 3), "p99_ms": round(pick(0.99), 3),
              "max_ms": round(timings[-1], 3), "mean_bytes": int(sum(sizes) / len(sizes))}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
