"""The PK case of `make bench`: how long a gift takes from its 201 to being
in its side's score on `GET /pk/{id}` (the aggregator's lag as the apps see
it), through the HTTP API of a running dev server with the demo data.

Usage: python3 local/pk.py GIFTS [BASE_URL]

Two demo-agency hosts go live and start a battle by invitation; one fan per
side sends GIFTS gifts in turn, each followed by polling the battle (every
20 ms, 10 s at most) until the score has it. Prints p50/p99 and the worst,
then ends the battle and checks each side's final score is exactly what its
fans paid (exits 1 if not). Loopback only.
"""

import sys
import time

from apiclient import ADMIN_PASSWORD, AGENCY_PASSWORD, call, configure, login, new_host, ok, register

GIFTS = int(sys.argv[1]) if len(sys.argv) > 1 else 60
configure(sys.argv[2] if len(sys.argv) > 2 else "http://127.0.0.1:3000")


def score(pk_id, token, host_id):
    battle = ok(*call("GET", f"/pk/{pk_id}", token)[:2])
    return next(s["score"] for s in battle["sides"] if s["host_id"] == host_id), battle


def main():
    admin = login("admin@demo.local", ADMIN_PASSWORD)
    agency = login("agency@demo.local", AGENCY_PASSWORD)
    a = new_host("PkAria", agency)
    b = new_host("PkBo", agency)
    price = 3
    gift = ok(*call("POST", "/admin/gifts", admin, {"name": "PkRose", "price_coins": price, "image_key": "p.png"})[:2])["id"]
    fans = [register(f"PkFan{i}") for i in range(2)]
    for fid, _ in fans:
        ok(*call("POST", f"/admin/users/{fid}/coins", admin, {"amount": GIFTS * price, "reason": "pk bench"})[:2])
    inv = ok(*call("POST", "/pk/invitations", a[1], {"host_id": b[0], "duration_secs": 900})[:2])
    pk_id = ok(*call("POST", f"/pk/invitations/{inv['id']}/accept", b[1], {})[:2])["battle"]["id"]
    lags, expected = [], {a[0]: 0, b[0]: 0}
    for i in range(GIFTS):
        host_id, _, room = (a, b)[i % 2]
        fan = fans[i % 2][1]
        status, body, _ = call("POST", f"/users/{host_id}/gifts", fan, {"gift_id": gift, "quantity": 1, "room_id": room})
        ok(status, body)
        sent = time.perf_counter()
        expected[host_id] += price
        deadline = sent + 10
        while score(pk_id, fan, host_id)[0] < expected[host_id]:
            if time.perf_counter() > deadline:
                sys.exit(f"gift {i} not in the score after 10 s")
            time.sleep(0.02)
        lags.append(time.perf_counter() - sent)
    lags.sort()
    pct = lambda p: lags[min(len(lags) - 1, int(p * len(lags)))] * 1000
    print(f"PK score latency over {GIFTS} gifts (201 → in GET /pk/{{id}}): "
          f"p50 {pct(0.5):.0f} ms, p99 {pct(0.99):.0f} ms, worst {lags[-1] * 1000:.0f} ms")
    ok(*call("POST", f"/pk/{pk_id}/end", a[1], {})[:2])
    final = {h: score(pk_id, a[1], h)[0] for h in expected}
    if final != expected:
        sys.exit(f"PK scores {final}, paid {expected}")
    print(f"PK scores exact after the end: {final[a[0]]} and {final[b[0]]} coins")


if __name__ == "__main__":
    main()
