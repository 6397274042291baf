import { api } from "../api";
import { useState } from "preact/hooks";
import { Chart, coins, DAY_METRICS, ErrorNote, Form, Stat, useLoad, when, type PageDef } from "../ui";
import { HostMonth, SettlementList, Statements } from "./shared";

function Dashboard() {
  const { data: d, error } = useLoad<any>(() => api("/host/dashboard?days=30"));
  const [metric, setMetric] = useState("earnings");
  if (error) return <ErrorNote error={error} />;
  if (!d) return <p>Loading…</p>;
  return (
    <>
      <div class="stats">
        <Stat label="Earnings today" value={coins(d.earnings_today)} />
        <Stat label="Earnings this week" value={coins(d.earnings_week)} />
        <Stat label="Unsettled earnings" value={coins(d.unsettled_earnings)} />
        <Stat label="Settled earnings" value={coins(d.settled_earnings)} />
        <Stat label="Call minutes today" value={d.call_minutes_today} />
        <Stat label="Call minutes this week" value={d.call_minutes_week} />
        <Stat label="Call minutes in all" value={d.call_minutes_total} />
        <Stat label="Gifts received" value={d.gifts_received_total} />
      </div>
      <section aria-label="Last 30 days">
        <h2>Last 30 days</h2>
        <Chart series={d.series} metrics={DAY_METRICS} metric={metric} onMetric={setMetric} />
      </section>
    </>
  );
}

function CallSettings() {
  const { data: me, error, reload } = useLoad<any>(() => api("/me"));
  if (error) return <ErrorNote error={error} />;
  if (!me) return <p>Loading…</p>;
  return (
    <>
      <p>
        Now: {coins(me.call_price)} a minute, {me.online ? "online" : "offline"}.
      </p>
      <Form
        fields={[
          { name: "price_per_minute", label: "Price per minute (coins)", type: "number", required: true },
          { name: "online", label: "Online for calls", type: "checkbox" },
        ]}
        initial={{ price_per_minute: me.call_price, online: me.online }}
        keep
        submitLabel="Save call settings"
        submit={(v) => api("PUT", "/host/call-settings", v)}
        done={reload}
      />
    </>
  );
}

function Application() {
  const { data: a, error } = useLoad<any>(() => api("/host-applications/me"));
  if (error) return <ErrorNote error={error} />;
  if (!a) return <p>Loading…</p>;
  return (
    <dl>
      <dt>Status</dt>
      <dd>{a.status}</dd>
      <dt>Agency code</dt>
      <dd>{a.agency_code}</dd>
      <dt>Applied</dt>
      <dd>{when(a.created_at)}</dd>
      {a.decided_at && (
        <>
          <dt>Decided</dt>
          <dd>{when(a.decided_at)}</dd>
        </>
      )}
      {a.reason && (
        <>
          <dt>Reason</dt>
          <dd>{a.reason}</dd>
        </>
      )}
    </dl>
  );
}

export const hostPages: PageDef[] = [
  { name: "Dashboard", path: "dashboard", view: Dashboard },
  { name: "This month", path: "month", view: HostMonth },
  { name: "Statements", path: "statements", view: Statements },
  { name: "Call settings", path: "call-settings", view: CallSettings },
  { name: "Settlements", path: "settlements", view: () => <SettlementList path="/host/settlements" /> },
  { name: "Application status", path: "application", view: Application },
];
