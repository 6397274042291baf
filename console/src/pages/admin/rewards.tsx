import { useState } from "preact/hooks";
import { api } from "../../api";
import { Action, coins, ErrorNote, Form, Table, useLoad } from "../../ui";
import { number } from "./catalogs";

// ---- Rewards: what brings users back (ECONOMY.md §1–4) ----

/** A comma-separated list of whole numbers, as the forms take them. */
const numbers = (v: string) =>
  String(v)
    .split(",")
    .map((x) => x.trim())
    .filter((x) => x !== "")
    .map(Number);

/** The bonus-coin settings: the host's pay for bonus gifts, the first-recharge cap, the economy day and the check-in ladder. */
function EconomySettings() {
  const [version, setVersion] = useState(0);
  const s = useLoad(() => api<any>("/admin/settings"), [version]);
  if (!s.data) return <ErrorNote error={s.error} />;
  return (
    <section>
      <h2>Bonus coins</h2>
      <p>
        A bonus gift pays its host {s.data.bonus_host_rate_bps / 100}% of its value; the first recharge gives up to {coins(s.data.first_recharge_max_bonus)} in bonus coins; the
        economy day starts {s.data.economy_day_offset_minutes} minutes after 00:00 UTC; the check-in ladder pays {s.data.check_in_rewards.join(", ")}.
      </p>
      <Form
        key={version}
        title="Change the bonus-coin settings"
        fields={[
          number("bonus_host_rate_bps", "Host's pay for a bonus gift (basis points of its value, 0 to 5000)"),
          number("first_recharge_max_bonus", "First-recharge bonus at most (bonus coins)"),
          number("economy_day_offset_minutes", "Economy day starts after 00:00 UTC (minutes, -720 to 840)"),
          { name: "check_in_rewards", label: "Check-in ladder (7 amounts, comma-separated)", required: true },
        ]}
        initial={{
          bonus_host_rate_bps: s.data.bonus_host_rate_bps,
          first_recharge_max_bonus: s.data.first_recharge_max_bonus,
          economy_day_offset_minutes: s.data.economy_day_offset_minutes,
          check_in_rewards: s.data.check_in_rewards.join(", "),
        }}
        submitLabel="Save bonus-coin settings"
        keep
        submit={(v) => api("PUT", "/admin/settings", { ...v, check_in_rewards: numbers(v.check_in_rewards) })}
        done={() => setVersion((n) => n + 1)}
      />
    </section>
  );
}

/** A level table (wealth or charm): the XP each level starts at, replaced whole. */
function LevelTable({ kind }: { kind: "wealth" | "charm" }) {
  const [version, setVersion] = useState(0);
  const t = useLoad(() => api<any[]>(`/admin/levels/${kind}`), [version]);
  if (!t.data) return <ErrorNote error={t.error} />;
  return (
    <section>
      <h2>{kind === "wealth" ? "Wealth levels (paid coins spent)" : "Charm levels (earnings from paid coins)"}</h2>
      <p>
        {t.data.length} levels; level 10 at {t.data[9]?.xp ?? "—"} XP, the top at {t.data[t.data.length - 1].xp} XP.
      </p>
      <Form
        key={version}
        title={`Replace the ${kind} levels`}
        fields={[{ name: "xp", label: `XP of each ${kind} level from 1 (comma-separated, 0 first)`, type: "textarea", required: true }]}
        initial={{ xp: t.data.map((s) => s.xp).join(", ") }}
        submitLabel={`Save ${kind} levels`}
        keep
        submit={(v) => api("PUT", `/admin/levels/${kind}`, numbers(v.xp).map((xp, i) => ({ level: i + 1, xp })))}
        done={() => setVersion((n) => n + 1)}
      />
    </section>
  );
}

/** The three VIP tiers: prices, renewal prices, days and daily bonus. */
function VipTiers() {
  const [version, setVersion] = useState(0);
  const t = useLoad(() => api<any[]>("/vip/tiers"), [version]);
  if (!t.data) return <ErrorNote error={t.error} />;
  const tiers = t.data;
  const fields = tiers.flatMap((x) => [
    { name: `name${x.tier}`, label: `VIP ${x.tier} name`, required: true },
    number(`price${x.tier}`, `VIP ${x.tier} price (paid coins)`),
    number(`renew${x.tier}`, `VIP ${x.tier} renewal price (paid coins)`),
    number(`days${x.tier}`, `VIP ${x.tier} days`),
    number(`bonus${x.tier}`, `VIP ${x.tier} daily bonus (bonus coins)`),
  ]);
  const initial = Object.fromEntries(
    tiers.flatMap((x) => [
      [`name${x.tier}`, x.name],
      [`price${x.tier}`, x.price_coins],
      [`renew${x.tier}`, x.renew_price_coins],
      [`days${x.tier}`, x.days],
      [`bonus${x.tier}`, x.daily_bonus],
    ]),
  );
  return (
    <section>
      <h2>VIP tiers</h2>
      <Table
        rows={tiers}
        columns={[
          { label: "Tier", render: (x: any) => `${x.tier}: ${x.name}` },
          { label: "Price", render: (x: any) => coins(x.price_coins) },
          { label: "Renewal", render: (x: any) => coins(x.renew_price_coins) },
          { label: "Days", render: (x: any) => x.days },
          { label: "Daily bonus", render: (x: any) => coins(x.daily_bonus) },
          { label: "Perks", render: (x: any) => x.perks.join(", ") },
        ]}
      />
      <Form
        key={version}
        title="Change the VIP tiers"
        fields={fields}
        initial={initial}
        submitLabel="Save VIP tiers"
        keep
        submit={(v) =>
          api(
            "PUT",
            "/admin/vip/tiers",
            tiers.map((x) => ({
              tier: x.tier,
              name: v[`name${x.tier}`],
              price_coins: v[`price${x.tier}`],
              renew_price_coins: v[`renew${x.tier}`],
              days: v[`days${x.tier}`],
              daily_bonus: v[`bonus${x.tier}`],
            })),
          )
        }
        done={() => setVersion((n) => n + 1)}
      />
    </section>
  );
}

const PERIODS = ["daily", "weekly", "once"].map((p) => ({ value: p, label: p }));
const KINDS = ["watch_minutes", "send_gifts", "spend_coins", "follow_new_host", "share_room", "call_minutes", "recharge_coins"].map((k) => ({
  value: k,
  label: k.replace(/_/g, " "),
}));

/** The task catalog: what each task counts, how much, how often, and its bonus coins. */
function Tasks() {
  const [version, setVersion] = useState(0);
  const bump = () => setVersion((n) => n + 1);
  const t = useLoad(() => api<any>("/admin/tasks"), [version]);
  return (
    <section>
      <h2>Tasks</h2>
      <Form
        title="Add a task"
        fields={[
          { name: "title", label: "Title", optional: true },
          { name: "period", label: "Period", type: "select", options: PERIODS, required: true },
          { name: "kind", label: "What counts", type: "select", options: KINDS, required: true },
          number("target", "Target"),
          number("reward_bonus_coins", "Reward (bonus coins)"),
        ]}
        initial={{ period: "daily", kind: "send_gifts" }}
        submitLabel="Add task"
        submit={(v) => api("POST", "/admin/tasks", v)}
        done={bump}
      />
      <ErrorNote error={t.error} />
      {t.data && (
        <Table
          rows={t.data.items}
          columns={[
            { label: "Task", render: (x: any) => x.title },
            { label: "Period", render: (x: any) => x.period },
            { label: "Counts", render: (x: any) => `${x.kind.replace(/_/g, " ")} to ${x.target}` },
            { label: "Reward", render: (x: any) => coins(x.reward_bonus_coins) },
            { label: "State", render: (x: any) => (x.active ? "active" : "retired") },
            {
              label: "Actions",
              render: (x: any) => (
                <Action label={`${x.active ? "Retire" : "Restore"} ${x.title}`} run={() => api("PATCH", `/admin/tasks/${x.id}`, { active: !x.active })} done={bump} />
              ),
            },
          ]}
        />
      )}
    </section>
  );
}

export function Rewards() {
  return (
    <>
      <EconomySettings />
      <Tasks />
      <VipTiers />
      <LevelTable kind="wealth" />
      <LevelTable kind="charm" />
    </>
  );
}
