//! `make capacity`, the live channels' part: one room's gifts at a given
//! rate through the code that packs them (`app::live::pack`) and the room
//! channel's slots (one message per 100 ms), on a simulated clock: gifts are
//! credited in aggregator batches (up to 90, every 100 ms), each stream batch
//! is packed and sent slot by slot, and what comes meanwhile waits for the
//! next. Prints messages a second (the most in any second), the largest
//! message, Σ coins in and out, each gift's delay to its message, and what an
//! hour costs at AppSync Events' prices beside polling `GET /rooms/{id}`.
//!
//! Usage: channel-capacity [GIFTS_PER_SEC] [SECONDS]. Deterministic (fixed seed).

use std::collections::BTreeMap;

use app::live::{Animations, pack};
use store::{GiftBatch, RoomGift};

/// AppSync Events (us-east-1): $1.00 per million Event API operations (a
/// publish, a delivery to one subscriber, per 5 KB), $0.08 per million connection-minutes.
const EVENTS_PER_MILLION_OPS: f64 = 1.00;
const EVENTS_PER_MILLION_CONN_MIN: f64 = 0.08;
/// Polling: API Gateway HTTP API $1.00 per million requests; Lambda $0.20
/// per million and $0.0000133334 per GB-s (arm64), 256 MB for 20 ms; DynamoDB
/// on demand $0.125 per million read units, 4 strongly consistent reads a poll.
const APIGW_PER_MILLION: f64 = 1.00;
const LAMBDA_PER_MILLION: f64 = 0.20;
const LAMBDA_GB_SECOND: f64 = 0.000_013_333_4;
const POLL_GB_SECONDS: f64 = 0.25 * 0.020;
const DDB_PER_MILLION_READS: f64 = 0.125;
const POLL_READS: f64 = 4.0;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

struct Outcome {
    messages: usize,
    busiest_second: usize,
    largest_bytes: usize,
    coins_in: i64,
    coins_out: i64,
    delays: Vec<i64>,
}

fn ulid_like(prefix: &str, i: usize) -> String {
    format!("01J{prefix}{i:0>21}")
}

fn run(rate: u64, seconds: u64, big: i64) -> Outcome {
    let mut rng = Rng(0x5eed_cafe_f00d_d00d);
    let gifts: Vec<(String, String, i64)> = [
        ("Rose", 1),
        ("Heart", 5),
        ("Kiss", 10),
        ("Lollipop", 20),
        ("Crown", 50),
        ("Rocket", 100),
        ("Yacht", 500),
        ("Castle", 1000),
        ("Dragon", 5000),
        ("Universe", 10000),
    ]
    .iter()
    .enumerate()
    .map(|(i, (name, price))| (ulid_like("GIFT", i), name.to_string(), *price))
    .collect();
    // Cheap gifts are sent most; a few gifters send most (their weights fall off as 1/rank).
    let gift_weights = [400u64, 250, 150, 80, 50, 40, 20, 6, 3, 1];
    let senders = 100usize;
    let sender_weights: Vec<u64> = (1..=senders as u64).map(|r| 1_000_000 / r).collect();
    let pick = |rng: &mut Rng, w: &[u64]| {
        let total: u64 = w.iter().sum();
        let mut x = rng.below(total);
        for (i, v) in w.iter().enumerate() {
            if x < *v {
                return i;
            }
            x -= v;
        }
        w.len() - 1
    };
    let host = ulid_like("HOST", 0);
    let animations: Animations =
        gifts.iter().map(|(id, name, _)| (id.clone(), Some(format!("gifts/{}.json", name.to_lowercase())))).collect();
    // Arrivals, evenly spread, credited in batches of at most 90 every 100 ms.
    let total = (rate * seconds) as usize;
    let mut batches: Vec<(i64, GiftBatch)> = Vec::new();
    let mut coins_in = 0;
    let mut current: Vec<RoomGift> = Vec::new();
    let mut window_end = 100;
    let flush = |current: &mut Vec<RoomGift>, batches: &mut Vec<(i64, GiftBatch)>, visible: i64| {
        for chunk in current.chunks(90) {
            let id = chunk[0].event_id.clone();
            let batch = GiftBatch { id, room_id: "room".into(), gifts: chunk.to_vec(), created_at: visible };
            batches.push((visible, batch));
        }
        current.clear();
    };
    for i in 0..total {
        let at = (i as u64 * 1000 / rate) as i64;
        while at >= window_end {
            // Credited 100 ms after the window closes (the stream, then the aggregator's transaction).
            flush(&mut current, &mut batches, window_end + 100);
            window_end += 100;
        }
        // A gifter taps its favourite gift mostly (combos), now and then another.
        let s = pick(&mut rng, &sender_weights);
        let g = if rng.below(10) < 8 { s * 7 % 6 } else { pick(&mut rng, &gift_weights) };
        let (gid, gname, price) = &gifts[g];
        let quantity = if rng.below(10) == 0 { 10 } else { 1 };
        coins_in += price * quantity;
        current.push(RoomGift {
            event_id: ulid_like("EVT", i),
            sender_id: ulid_like("USER", s),
            sender_name: format!("Gifter number {s}"),
            gift_id: gid.clone(),
            gift_name: gname.clone(),
            quantity,
            coins: price * quantity,
            to_id: host.clone(),
            at,
            sender_wealth_level: 1,
        });
    }
    flush(&mut current, &mut batches, window_end + 100);
    // The publisher: takes what is visible (up to 100 records), sends its messages slot by slot.
    let top = || -> Vec<app::live::GiftsTopGifter> {
        (0..3)
            .map(|i| app::live::GiftsTopGifter {
                account_id: ulid_like("USER", i),
                display_name: Some(format!("Gifter number {i}")),
                coins: 123_456_789,
            })
            .collect()
    };
    let (mut t, mut next, mut last_slot) = (0i64, 0usize, -1i64);
    let mut sent_at: Vec<i64> = Vec::new();
    let (mut largest, mut coins_out, mut seq) = (0usize, 0i64, 0i64);
    let mut delays = Vec::with_capacity(total);
    while next < batches.len() {
        t = t.max(batches[next].0);
        let mut end = next;
        while end < batches.len() && batches[end].0 <= t && end - next < 100 {
            end += 1;
        }
        let taken: Vec<GiftBatch> = batches[next..end].iter().map(|(_, b)| b.clone()).collect();
        let mut last_message_of: BTreeMap<String, i64> = BTreeMap::new();
        for m in pack(&taken, big, &animations, &[]) {
            let slot = (t / 100).max(last_slot + 1);
            last_slot = slot;
            t = slot * 100;
            seq += 1;
            let mut body = app::live::gifts_body("01JROOM000000000000000000", &m.gifts, 9_876_543_210, top());
            body["seq"] = seq.into();
            body["at"] = "2026-12-07T10:00:00.000Z".into();
            largest = largest.max(body.to_string().len());
            coins_out += m.gifts.iter().map(|g| g.coins).sum::<i64>();
            sent_at.push(t);
            for c in &m.claims {
                let batch = c.trim_start_matches("GIFTS#").split('#').next().unwrap_or_default();
                last_message_of.insert(batch.to_string(), t);
            }
        }
        for b in &taken {
            let done = last_message_of.get(&b.id).copied().unwrap_or(t);
            delays.extend(b.gifts.iter().map(|g| done - g.at));
        }
        next = end;
    }
    let mut busiest = 0;
    for (i, at) in sent_at.iter().enumerate() {
        busiest = busiest.max(sent_at[i..].iter().take_while(|x| **x < at + 1000).count());
    }
    delays.sort_unstable();
    Outcome { messages: sent_at.len(), busiest_second: busiest, largest_bytes: largest, coins_in, coins_out, delays }
}

fn pct(v: &[i64], p: f64) -> i64 {
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

/// One hour of `rooms` rooms of `viewers` each, `per_sec` messages a second of `kb` 5-KB units each.
fn push_cost(rooms: f64, viewers: f64, per_sec: f64, units: f64) -> f64 {
    let deliveries = rooms * viewers * per_sec * 3600.0 * units;
    let publishes = rooms * per_sec * 3600.0 * units;
    let connection_minutes = rooms * viewers * 60.0;
    (deliveries + publishes) / 1e6 * EVENTS_PER_MILLION_OPS + connection_minutes / 1e6 * EVENTS_PER_MILLION_CONN_MIN
}

fn poll_cost(rooms: f64, viewers: f64, per_sec: f64) -> f64 {
    let polls = rooms * viewers * per_sec * 3600.0;
    polls / 1e6 * (APIGW_PER_MILLION + LAMBDA_PER_MILLION + DDB_PER_MILLION_READS * POLL_READS)
        + polls * POLL_GB_SECONDS * LAMBDA_GB_SECOND
}

fn main() {
    let args: Vec<u64> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let rate = args.first().copied().unwrap_or(1000);
    let seconds = args.get(1).copied().unwrap_or(60);
    println!(
        "live channels: one room at {rate} gifts/s for {seconds} s (100 gifters tapping a favourite gift 8 times in 10, 10 gift types, big gifts from 1,000 coins)"
    );
    let o = run(rate, seconds, 1000);
    println!(
        "  messages {} · at most {} in any second (goal ≤ 10) · largest {} B (goal ≤ 5,120) · Σ coins in {} out {} ({})",
        o.messages,
        o.busiest_second,
        o.largest_bytes,
        o.coins_in,
        o.coins_out,
        if o.coins_in == o.coins_out { "exact" } else { "NOT EXACT" }
    );
    println!(
        "  a gift's delay to its message (after the aggregator's): p50 {} ms · p99 {} ms · max {} ms",
        pct(&o.delays, 0.5),
        pct(&o.delays, 0.99),
        o.delays.last().copied().unwrap_or(0)
    );
    let small = run(5, seconds, 1000);
    println!(
        "  at 5 gifts/s: messages {} · at most {} in any second · p99 delay {} ms",
        small.messages,
        small.busiest_second,
        pct(&small.delays, 0.99)
    );
    let per_sec = o.messages as f64 / seconds as f64;
    let small_per_sec = small.messages as f64 / seconds as f64;
    println!(
        "cost of an hour (AppSync Events: $1/M operations, $0.08/M connection-minutes; polling GET /rooms/{{id}} once a second):"
    );
    println!(
        "  1 room, 20,000 subscribers, {rate} gifts/s: push ${:.0} ({per_sec:.1} messages/s) · polling ${:.0}",
        push_cost(1.0, 20_000.0, per_sec, 1.0),
        poll_cost(1.0, 20_000.0, 1.0)
    );
    println!(
        "  1,000 rooms of 200 viewers, 5 gifts/s: push ${:.0} ({small_per_sec:.1} messages/s a room) · polling ${:.0}",
        push_cost(1000.0, 200.0, small_per_sec, 1.0),
        poll_cost(1000.0, 200.0, 1.0)
    );
    let ok = o.busiest_second <= 10 && o.largest_bytes <= 5 * 1024 && o.coins_in == o.coins_out;
    if !ok {
        eprintln!("a live channel goal is not met");
        std::process::exit(1);
    }
}
