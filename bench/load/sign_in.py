#!/usr/bin/env python3
"""Signs in to a running Amparo with the form, as a browser does, and prints the session cookie
(`amparo_session=…`) for load scripts. Usage: sign_in.py BASE_URL EMAIL PASSWORD"""
import http.client
import re
import sys
import urllib.parse


def main():
    base, email, password = sys.argv[1:4]
    url = urllib.parse.urlparse(base)
    conn = http.client.HTTPConnection(url.hostname, url.port)
    conn.request("GET", "/login")
    response = conn.getresponse()
    page = response.read()
    login_cookie = re.search(r"amparo_login_csrf=([0-9a-f]+)", response.getheader("set-cookie")).group(1)
    csrf = re.search(rb'name="csrf" value="([0-9a-f]+)"', page).group(1).decode()
    form = urllib.parse.urlencode({"csrf": csrf, "email": email, "password": password, "next": "/"})
    conn.request("POST", "/login", form, {
        "content-type": "application/x-www-form-urlencoded", "cookie": f"amparo_login_csrf={login_cookie}"})
    response = conn.getresponse()
    response.read()
    print(next(v.split(";")[0] for k, v in response.getheaders()
               if k.lower() == "set-cookie" and v.startswith("amparo_session=")))


if __name__ == "__main__":
    main()
