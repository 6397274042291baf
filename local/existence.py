"""The existence-leak case of `make bench`: sign-in with a wrong password and
forgot-password, for accounts that exist and for logins that do not, through
the HTTP API. Prints the median and p90 of each and the known/unknown ratio:
the answers must not tell the two apart, by body or by time.

Usage: python3 local/existence.py [ROUNDS] [BASE_URL]

Loopback only, sequential, interleaved (known, unknown, known, ...) so drift
hits both alike. The known accounts' e-mails are verified first with the code
sign-up sent (read from moto's outbox at `AWS_ENDPOINT_URL`), since a reset
code goes only to a verified address: the known path does its whole work. Each login is used once per kind of request (the per-login
limits and the lockout stay out of the way); the server runs with
RATE_LIMITS=off for the per-IP ones.
"""

import http.client
import json
import os
import re
import statistics
import sys
import time
import urllib.parse
import uuid

ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 20
BASE = urllib.parse.urlparse(sys.argv[2] if len(sys.argv) > 2 else "http://127.0.0.1:3000")
assert BASE.hostname in ("127.0.0.1", "localhost", "::1"), "loopback only"
RUN = uuid.uuid4().hex[:8]
conn = http.client.HTTPConnection(BASE.hostname, BASE.port or 80, timeout=30)


def call(path, body, token=None):
    started = time.perf_counter()
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    conn.request("POST", path, body=json.dumps(body), headers=headers)
    res = conn.getresponse()
    raw = res.read()
    return res.status, json.loads(raw) if raw else None, time.perf_counter() - started


known, tokens = [], {}
for i in range(ROUNDS):
    email = f"exist-{RUN}-{i}@example.com"
    status, reply, _ = call("/auth/register", {"email": email, "password": "password-123", "name": "E"})
    assert status == 201, status
    known.append(email)
    tokens[email] = reply["access_token"]
moto = urllib.parse.urlparse(os.environ["AWS_ENDPOINT_URL"])
assert moto.hostname in ("127.0.0.1", "localhost", "::1"), "loopback only"
outbox = http.client.HTTPConnection(moto.hostname, moto.port, timeout=60)
outbox.request("GET", "/moto-api/data.json")
mails = json.loads(outbox.getresponse().read())["ses"]["Message"]
for email in known:
    text = next(m["body"] for m in reversed(mails)
                if email in m["destinations"]["ToAddresses"] and "verification code" in m["body"])
    code = re.search(r"\b\d{6}\b", text).group(0)
    status, _, _ = call("/me/verification/confirm", {"channel": "email", "code": code}, tokens[email])
    assert status == 200, status
unknown = [f"ghost-{RUN}-{i}@example.com" for i in range(ROUNDS)]

failed = False
for name, path, body in [
    ("sign-in, wrong password", "/auth/login", lambda login: {"login": login, "password": "wrong-password"}),
    ("forgot-password", "/auth/password/forgot", lambda login: {"email": login}),
]:
    times = {"known": [], "unknown": []}
    answers = {"known": set(), "unknown": set()}
    for k, u in zip(known, unknown):
        for kind, login in (("known", k), ("unknown", u)):
            status, reply, secs = call(path, body(login))
            times[kind].append(secs * 1000)
            answers[kind].add((status, json.dumps(reply, sort_keys=True)))
    med = {k: statistics.median(v) for k, v in times.items()}
    p90 = {k: sorted(v)[int(len(v) * 0.9) - 1] for k, v in times.items()}
    same = answers["known"] == answers["unknown"] and len(answers["known"]) == 1
    failed |= not same
    print(
        f"existence: {name}: known p50 {med['known']:.1f} ms p90 {p90['known']:.1f} ms, "
        f"unknown p50 {med['unknown']:.1f} ms p90 {p90['unknown']:.1f} ms, "
        f"ratio {med['known'] / med['unknown']:.2f}, answers {'identical' if same else 'DIFFER'}"
    )
sys.exit(1 if failed else 0)
