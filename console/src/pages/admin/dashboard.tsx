import { useState } from "preact/hooks";
import { api } from "../../api";
import { Chart, coins, ErrorNote, Stat, useLoad } from "../../ui";

// ---- Dashboard ----

export const METRICS: { key: string; label: string }[] = [
  { key: "new_users", label: "New users" },
  { key: "coins_sold", label: "Coins sold" },
  { key: "gift_coins", label: "Gifts sent (coins)" },
  { key: "call_minutes", label: "Call minutes" },
];

export function Dashboard() {
  const { data, error } = useLoad<any>(() => api("/admin/stats?days=30"));
  const [metric, setMetric] = useState("coins_sold");
  if (error) return <ErrorNote error={error} />;
  if (!data) return <p>Loading…</p>;
  const figures = (d: any) => (
    <div class="stats">
      <Stat label="New users" value={d.new_users} />
      <Stat label="Coins sold" value={coins(d.coins_sold)} />
      <Stat label="Gifts sent" value={coins(d.gift_coins)} />
      <Stat label="Call minutes" value={d.call_minutes} />
      <Stat label="Coins refunded" value={coins(d.coins_refunded)} />
    </div>
  );
  return (
    <>
      <section aria-label="Now">
        <h2>Now</h2>
        <div class="stats">
          <Stat label="Live rooms" value={data.live_rooms} />
          <Stat label="Host earnings unsettled" value={coins(data.unsettled_earnings)} />
          <Stat label="Coins owed after refunds" value={coins(data.coin_debt)} />
        </div>
      </section>
      <section aria-label="Today">
        <h2>Today ({data.today.day})</h2>
        {figures(data.today)}
      </section>
      <section aria-label="Last 30 days">
        <h2>Last 30 days</h2>
        {figures(data.period)}
        <Chart series={data.series} metrics={METRICS} metric={metric} onMetric={setMetric} />
      </section>
    </>
  );
}
