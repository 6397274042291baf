import { useState } from "preact/hooks";
import { api } from "../api";
import { Action, all, Chart, coins, Confirmed, DAY_METRICS, ErrorNote, Paged, Stat, useLoad, type PageDef } from "../ui";
import { Applications } from "./admin";
import { AgencyMonth, SettlementList, settlementPreview } from "./shared";

function Dashboard() {
  const { data, error } = useLoad(() => Promise.all([api("/agency"), api("/agency/dashboard?days=30")]));
  const [metric, setMetric] = useState("earnings");
  if (error) return <ErrorNote error={error} />;
  if (!data) return <p>Loading…</p>;
  const [agency, dash] = data;
  return (
    <>
      <p>
        {agency.name} · code <code>{agency.code}</code> · commission {agency.commission_percent == null ? "by this month's tier" : `${agency.commission_percent} %`}
      </p>
      <div class="stats">
        <Stat label="Hosts" value={agency.hosts} />
        <Stat label="Unsettled earnings" value={coins(dash.unsettled_earnings)} />
        <Stat label="Settled earnings" value={coins(dash.settled_earnings)} />
        <Stat label="Call minutes" value={dash.call_minutes_total} />
      </div>
      <section aria-label="Last 30 days">
        <h2>Last 30 days</h2>
        <Chart series={dash.series} metrics={DAY_METRICS} metric={metric} onMetric={setMetric} />
      </section>
      <h2>Last settlements</h2>
      <SettlementList path="/agency/settlements?limit=5" />
    </>
  );
}

function Hosts() {
  const [version, setVersion] = useState(0);
  const bump = () => setVersion((v) => v + 1);
  return (
    <Paged
      path="/agency/hosts"
      version={version}
      columns={[
        { label: "Name", render: (h: any) => h.name },
        { label: "Online", render: (h: any) => (h.online ? "yes" : "no") },
        { label: "Call price", render: (h: any) => coins(h.call_price) },
        { label: "Unsettled", render: (h: any) => coins(h.unsettled_earnings) },
        { label: "Settled", render: (h: any) => coins(h.settled_earnings) },
        { label: "Call minutes", render: (h: any) => h.call_minutes },
        { label: "Gifts received", render: (h: any) => h.gifts_received },
        {
          label: "Actions",
          render: (h: any) => (
            <>
              <Confirmed
                label={`Settle ${h.name}`}
                preview={() => settlementPreview(`/agency/hosts/${h.id}/settlements`)}
                run={() => api("POST", `/agency/hosts/${h.id}/settlements`, {})}
                done={bump}
              />
              <Action label={`Remove ${h.name}`} confirm={`Remove ${h.name} from the agency?`} run={() => api("DELETE", `/agency/hosts/${h.id}`)} done={bump} />
            </>
          ),
        },
      ]}
    />
  );
}

function Settlements() {
  const [version, setVersion] = useState(0);
  const [note, setNote] = useState("");
  return (
    <>
      <Confirmed
        label="Settle all hosts"
        preview={async () => {
          const hosts = (await all<any>("/agency/hosts")).filter((h) => h.unsettled_earnings > 0);
          const lines = await Promise.all(hosts.map((h) => settlementPreview(`/agency/hosts/${h.id}/settlements`).catch(() => null)));
          if (!lines.some((l) => l)) throw new Error("Nothing to settle: no host has earnings past the hold.");
          return <>{lines}</>;
        }}
        run={async () => {
          const hosts = (await all<any>("/agency/hosts")).filter((h) => h.unsettled_earnings > 0);
          let settled = 0;
          for (const h of hosts) {
            // A host whose earnings are all inside the hold has nothing to settle yet (409): the others go on.
            await api("POST", `/agency/hosts/${h.id}/settlements`, {}).then(
              () => settled++,
              (e) => {
                if (e.code !== "nothing_to_settle") throw e;
              },
            );
          }
          setNote(`Settled ${settled} host${settled === 1 ? "" : "s"}.`);
        }}
        done={() => setVersion((v) => v + 1)}
      />
      {note && <p class="ok">{note}</p>}
      <SettlementList path="/agency/settlements" version={version} />
    </>
  );
}

export const agencyPages: PageDef[] = [
  { name: "Dashboard", path: "dashboard", view: Dashboard },
  { name: "This month", path: "month", view: AgencyMonth },
  { name: "Hosts", path: "hosts", view: Hosts },
  { name: "Applications", path: "applications", view: () => <Applications list="/agency/host-applications" status /> },
  { name: "Settlements", path: "settlements", view: Settlements },
];
