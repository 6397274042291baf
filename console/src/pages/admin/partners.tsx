import { useState } from "preact/hooks";
import { api, withQuery } from "../../api";
import { Action, all, coins, Confirmed, csv, download, ErrorNote, Form, Paged, Person, Table, useLoad, when } from "../../ui";
import { SettlementList, settlementPreview } from "../shared";
import { number } from "./catalogs";

// ---- Hosts, agencies, applications, settlements ----

export function Hosts() {
  return (
    <Paged
      path="/admin/hosts"
      columns={[
        { label: "Name", render: (h: any) => <a href={`#/users/${h.id}`}>{h.name}</a> },
        { label: "Agency", render: (h: any) => h.agency_name ?? "none" },
        { label: "Call price", render: (h: any) => coins(h.call_price) },
        { label: "Online", render: (h: any) => (h.online ? "yes" : "no") },
        { label: "Unsettled", render: (h: any) => coins(h.earnings) },
        { label: "Settled", render: (h: any) => coins(h.settled_earnings) },
        { label: "Call minutes", render: (h: any) => h.call_minutes },
        { label: "Gifts received", render: (h: any) => h.gifts_received },
        { label: "Status", render: (h: any) => (h.banned ? "banned" : "active") },
      ]}
    />
  );
}

export function Agencies() {
  const [version, setVersion] = useState(0);
  const bump = () => setVersion((v) => v + 1);
  return (
    <>
      <Form
        title="Create agency"
        fields={[
          { name: "name", label: "Name", required: true },
          { name: "owner_email", label: "Owner email", type: "email", required: true },
          { name: "commission_percent", label: "Commission percent (empty: by the agency tiers)", type: "number", optional: true },
          { name: "code", label: "Code (optional)", optional: true },
        ]}
        submitLabel="Create agency"
        submit={(v) => api("POST", "/admin/agencies", v)}
        done={bump}
      />
      <Paged
        path="/admin/agencies"
        version={version}
        columns={[
          { label: "Name", render: (a: any) => a.name },
          { label: "Code", render: (a: any) => <code>{a.code}</code> },
          {
            label: "Owner",
            render: (a: any) =>
              a.owner_id ? <Person id={a.owner_id} name={a.owner_name} /> : <span>invited: {a.owner_email} (until {when(a.invitation_expires_at)})</span>,
          },
          { label: "Commission", render: (a: any) => (a.commission_percent == null ? "by tier" : `${a.commission_percent} % (pinned)`) },
          {
            label: "Actions",
            render: (a: any) => (
              <>
                <Form
                  title={`Edit ${a.name}`}
                  fields={[{ name: "commission_percent", label: `Commission percent of ${a.name}`, type: "number", required: true }]}
                  initial={{ commission_percent: a.commission_percent }}
                  keep
                  submitLabel={`Save ${a.name}`}
                  submit={(v) => api("PATCH", `/admin/agencies/${a.id}`, v)}
                  done={bump}
                />
                {a.status === "invited" && (
                  <Action label={`Resend invitation of ${a.name}`} run={() => api("POST", `/admin/agencies/${a.id}/invitation`, {})} done={bump} />
                )}
                <Confirmed
                  label={`Settle ${a.name}`}
                  preview={() => settlementPreview(`/admin/agencies/${a.id}/settlements`)}
                  run={() => api("POST", `/admin/agencies/${a.id}/settlements`, {})}
                />
                <Action label={`Delete ${a.name}`} confirm={`Delete ${a.name}?`} run={() => api("DELETE", `/admin/agencies/${a.id}`)} done={bump} />
              </>
            ),
          },
        ]}
      />
    </>
  );
}

export function Applications({ list, status }: { list: string; status?: boolean }) {
  const [version, setVersion] = useState(0);
  const [which, setWhich] = useState("pending");
  const bump = () => setVersion((v) => v + 1);
  return (
    <>
      {status && (
        <div class="field">
          <label for="app-status">Status</label>
          <select id="app-status" value={which} onChange={(e) => setWhich(e.currentTarget.value)}>
            <option value="pending">pending</option>
            <option value="approved">approved</option>
            <option value="rejected">rejected</option>
          </select>
        </div>
      )}
      <Paged
        path={withQuery(list, { status: which })}
        version={version}
        columns={[
          { label: "Name", render: (a: any) => a.display_name },
          { label: "Agency", render: (a: any) => a.agency_code },
          { label: "Country", render: (a: any) => a.country },
          { label: "Languages", render: (a: any) => a.languages.join(", ") },
          { label: "About", render: (a: any) => a.about },
          { label: "Applied", render: (a: any) => when(a.created_at) },
          { label: "Status", render: (a: any) => a.status + (a.reason ? `: ${a.reason}` : "") },
          {
            label: "Decision",
            render: (a: any) =>
              a.status === "pending" && (
                <>
                  <Action label={`Approve ${a.display_name}`} run={() => api("POST", `/agency/host-applications/${a.id}/approve`, {})} done={bump} />
                  <Form
                    title={`Reject ${a.display_name}`}
                    fields={[{ name: "reason", label: `Reason to reject ${a.display_name}`, required: true }]}
                    submitLabel={`Reject ${a.display_name}`}
                    submit={(v) => api("POST", `/agency/host-applications/${a.id}/reject`, v)}
                    done={bump}
                  />
                </>
              ),
          },
        ]}
      />
    </>
  );
}

export const SETTLEMENT_CSV = ["id", "created_at", "agency_id", "host_id", "host_name", "coins", "currency", "gross_minor", "platform_fee_minor", "agency_commission_minor", "host_payout_minor", "cutoff"];

export function Settlements() {
  const [version, setVersion] = useState(0);
  const bump = () => setVersion((v) => v + 1);
  const agencies = useLoad(() => all<any>("/admin/agencies"));
  const due = useLoad(async () => (await all<any>("/admin/hosts")).filter((h) => h.earnings > 0), [version]);
  const loose = { data: due.data?.filter((h) => !h.agency_id) };
  const [error, setError] = useState<unknown>(null);
  // What is being settled: the preview below shows what will move before it does.
  const [chosen, setChosen] = useState<{ path: string; label: string; key: number } | null>(null);
  const choose = (path: string, label: string) => setChosen({ path, label, key: Date.now() });
  const agencyName = (id: string) => agencies.data?.find((a) => a.id === id)?.name ?? id;
  const hostName = (id: string) => loose.data?.find((h) => h.id === id)?.name ?? id;
  return (
    <>
      <section aria-label="Due">
        <h2>Due</h2>
        <ErrorNote error={due.error} />
        <Table
          rows={due.data ?? []}
          caption="Hosts with unsettled earnings (earnings inside the hold wait for a later settlement)"
          columns={[
            { label: "Host", render: (h: any) => <Person id={h.id} name={h.name} /> },
            { label: "Agency", render: (h: any) => h.agency_name ?? "none (an admin settles)" },
            { label: "Unsettled", render: (h: any) => coins(h.earnings) },
            { label: "Settled so far", render: (h: any) => coins(h.settled_earnings) },
          ]}
        />
      </section>
      <h2>Settle</h2>
      <Form
        title="Settle an agency"
        fields={[{ name: "agency", label: "Agency", type: "select", required: true, options: (agencies.data ?? []).map((a) => ({ value: a.id, label: `${a.name} (${a.code})` })) }]}
        submitLabel="Review agency settlement"
        keep
        submit={async (v) => choose(`/admin/agencies/${v.agency}/settlements`, `Settle ${agencyName(v.agency)}`)}
      />
      <Form
        title="Settle a host without an agency"
        fields={[
          {
            name: "host",
            label: "Host",
            type: "select",
            required: true,
            options: (loose.data ?? []).map((h) => ({ value: h.id, label: `${h.name} (${coins(h.earnings)} unsettled)` })),
          },
        ]}
        submitLabel="Review host settlement"
        keep
        submit={async (v) => choose(`/admin/hosts/${v.host}/settlements`, `Settle ${hostName(v.host)}`)}
      />
      {chosen && (
        <Confirmed
          key={chosen.key}
          open
          label={chosen.label}
          preview={() => settlementPreview(chosen.path)}
          run={() => api("POST", chosen.path, {})}
          done={() => {
            setChosen(null);
            bump();
          }}
        />
      )}
      <h2>Paid</h2>
      <button
        type="button"
        onClick={async () => {
          setError(null);
          try {
            download("settlements.csv", csv(await all<any>("/admin/settlements"), SETTLEMENT_CSV));
          } catch (e) {
            setError(e);
          }
        }}
      >
        Export CSV
      </button>
      <ErrorNote error={error} />
      <SettlementList path="/admin/settlements" version={version} people />
    </>
  );
}
