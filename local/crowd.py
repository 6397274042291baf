"""The crowd case of `make bench`: many senders gifting one host in one live
room at once, against the same number of sends spread over 10 hosts, through
the HTTP API as the apps use it (a running dev server with the demo data).

Usage: python3 local/crowd.py SENDERS SENDS_EACH [BASE_URL]

Loopback only, bounded: SENDERS x SENDS_EACH sends per case, each request
with a 30 s time-out. Prints sends/s, p50/p99 latency and the count by status
for each case, then waits for the dev server's aggregator to apply the host
side (printing how long after the last send) and checks that it earned
exactly what the senders paid (and exits 1 if not).
"""

import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from apiclient import ADMIN_PASSWORD, AGENCY_PASSWORD, call, configure, login, new_host, ok, register, wallet

SENDERS = int(sys.argv[1]) if len(sys.argv) > 1 else 50
SENDS_EACH = int(sys.argv[2]) if len(sys.argv) > 2 else 40
configure(sys.argv[3] if len(sys.argv) > 3 else "http://127.0.0.1:3000")


def run_case(title, hosts, admin, gift_id, price):
    """SENDERS senders, spread evenly over `hosts`, each sending SENDS_EACH at once."""
    senders = []
    with ThreadPoolExecutor(16) as pool:
        senders = list(pool.map(lambda i: register(f"Fan{title[:3]}{i}"), range(SENDERS)))
        list(pool.map(lambda s: ok(*call("POST", f"/admin/users/{s[0]}/coins", admin,
                                         {"amount": SENDS_EACH * price, "reason": "crowd bench"})[:2]), senders))
    before = [wallet(h[1])["earnings"] for h in hosts]
    results = []
    lock = threading.Lock()

    def sender(i):
        _, token = senders[i]
        host_id, _, room = hosts[i % len(hosts)]
        mine = []
        for _ in range(SENDS_EACH):
            status, _, secs = call("POST", f"/users/{host_id}/gifts", token,
                                   {"gift_id": gift_id, "quantity": 1, "room_id": room})
            mine.append((status, secs))
        with lock:
            results.extend(mine)

    started = time.perf_counter()
    with ThreadPoolExecutor(SENDERS) as pool:
        list(pool.map(sender, range(SENDERS)))
    wall = time.perf_counter() - started
    lat = sorted(s for _, s in results)
    by_status = {}
    for status, _ in results:
        by_status[status] = by_status.get(status, 0) + 1
    pct = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] * 1000
    rate = len(results) / wall
    print(f"  {title}: {len(results)} sends in {wall:.1f} s = {rate:.1f} sends/s, "
          f"p50 {pct(0.50):.0f} ms, p99 {pct(0.99):.0f} ms, max {lat[-1] * 1000:.0f} ms, by status {by_status}")
    paid = sum(SENDS_EACH * price - wallet(t)["coins"] for _, t in senders)
    landed = by_status.get(201, 0) * price
    # The host side is the aggregator's (the table's stream): wait for it, 60 s at most.
    deadline = time.perf_counter() + 60
    while True:
        earned = sum(wallet(h[1])["earnings"] - b for h, b in zip(hosts, before))
        if earned >= paid or time.perf_counter() > deadline:
            break
        time.sleep(0.2)
    print(f"  host side applied {time.perf_counter() - started - wall:.1f} s after the last send")
    if not earned == paid == landed:
        sys.exit(f"  MISMATCH: hosts earned {earned}, senders paid {paid}, 201s worth {landed}")
    print(f"  conserved: hosts earned {earned} = senders paid {paid} = 201 answers x price")
    return rate, by_status


def main():
    admin = login("admin@demo.local", ADMIN_PASSWORD)
    agency = login("agency@demo.local", AGENCY_PASSWORD)
    gifts = ok(*call("GET", "/gifts?limit=100")[:2])["items"]
    rose = min(gifts, key=lambda g: g["price_coins"])
    hosts = [new_host(f"CrowdHost{i}", agency) for i in range(11)]
    print(f"crowd: {SENDERS} senders x {SENDS_EACH} sends of a {rose['price_coins']}-coin gift, "
          f"against {sys.argv[3] if len(sys.argv) > 3 else 'http://127.0.0.1:3000'}")
    one, _ = run_case("one host, one room", hosts[:1], admin, rose["id"], rose["price_coins"])
    spread, _ = run_case("spread over 10 hosts", hosts[1:], admin, rose["id"], rose["price_coins"])
    print(f"  one-host throughput / spread throughput = {one / spread:.2f}")


if __name__ == "__main__":
    main()
