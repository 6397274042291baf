import { useState } from "preact/hooks";
import { api } from "../api";
import { coins, ErrorNote, Form, major, Paged, Person, Stat, Table, useLoad, when } from "../ui";

/** Settlements with their split in the currency's major unit (fee + commission + payout = gross). */
export function SettlementList({ path, version, people }: { path: string; version?: number; people?: boolean }) {
  return (
    <Paged
      path={path}
      version={version}
      caption="Settlements"
      columns={[
        { label: "When", render: (s: any) => when(s.created_at) },
        { label: "Host", render: (s: any) => (people ? <Person id={s.host_id} name={s.host_name} /> : (s.host_name ?? s.host_id)) },
        { label: "Coins", render: (s: any) => coins(s.coins) },
        { label: "Gross", render: (s: any) => major(s.gross_minor, s.currency) },
        { label: "Platform fee", render: (s: any) => `${major(s.platform_fee_minor, s.currency)} (${s.platform_fee_percent} %)` },
        { label: "Agency commission", render: (s: any) => `${major(s.agency_commission_minor, s.currency)} (${s.commission_percent} %)` },
        { label: "Host payout", render: (s: any) => major(s.host_payout_minor, s.currency) },
        { label: "Up to", render: (s: any) => when(s.cutoff) },
      ]}
    />
  );
}

/** One host's line of a settlement: what leaves their earnings and where it goes. */
function SplitLine({ s }: { s: any }) {
  const m = (n: number) => major(n, s.currency);
  return (
    <>
      <strong>{s.host_name ?? s.host_id}</strong>: {coins(s.coins)} = {m(s.gross_minor)}: platform fee {m(s.platform_fee_minor)} ({s.platform_fee_percent} %), agency commission{" "}
      {m(s.agency_commission_minor)} ({s.commission_percent} %), host payout <strong>{m(s.host_payout_minor)}</strong>
    </>
  );
}

/** Asks the API what settling at `path` would move (nothing is written), as a preview to confirm. */
export async function settlementPreview(path: string) {
  const s = await api("POST", path, { preview: true });
  if (!s.hosts) {
    return (
      <p>
        <SplitLine s={s} /> (earnings up to {when(s.cutoff)})
      </p>
    );
  }
  return (
    <>
      <p>
        {s.hosts.length} host{s.hosts.length === 1 ? "" : "s"}, {coins(s.coins)} = {major(s.gross_minor, s.currency)}; hosts are paid{" "}
        <strong>{major(s.host_payout_minor, s.currency)}</strong>, the agency {major(s.agency_commission_minor, s.currency)} (earnings up to {when(s.cutoff)}):
      </p>
      <ul>
        {s.hosts.map((h: any) => (
          <li key={h.host_id}>
            <SplitLine s={h} />
          </li>
        ))}
      </ul>
    </>
  );
}

/** A host's month so far: valid days and hours, earnings, the tier reached and what the next needs. */
export function HostMonth() {
  const { data: m, error } = useLoad<any>(() => api("/host/month"));
  if (error) return <ErrorNote error={error} />;
  if (!m) return <p>Loading…</p>;
  const n = m.next_tier;
  return (
    <>
      <div class="stats">
        <Stat label="Valid days" value={m.valid_days} />
        <Stat label="Valid hours" value={m.valid_hours} />
        <Stat label="Earnings (coins)" value={coins(m.earnings_coins)} />
        <Stat label="Tier reached" value={m.tier_reached || "none yet"} />
        <Stat label="Salary so far" value={major(m.salary_minor, m.currency)} />
      </div>
      {n ? (
        <p role="status">
          Tier {n.tier} ({major(n.salary_minor, m.currency)}) needs {coins(n.gaps.earnings_coins)} more coins, {n.gaps.valid_days} more valid
          days and {n.gaps.valid_hours} more valid hours.
        </p>
      ) : (
        <p role="status">The top tier is reached.</p>
      )}
      <Table
        caption={`Targets of ${m.month}`}
        rows={m.tiers}
        columns={[
          { label: "Tier", render: (t: any) => t.tier },
          { label: "Valid days", render: (t: any) => t.min_valid_days },
          { label: "Valid hours", render: (t: any) => t.min_valid_hours },
          { label: "Earnings (coins)", render: (t: any) => coins(t.min_earnings_coins) },
          { label: "Salary", render: (t: any) => major(t.salary_minor, m.currency) },
        ]}
      />
    </>
  );
}

/** A host's month statements; one opens line by line, each line disputable while the statement is closed. */
export function Statements() {
  const [open, setOpen] = useState<string | null>(null);
  return (
    <>
      <Paged
        path="/host/statements"
        caption="Statements, newest first"
        columns={[
          { label: "Month", render: (s: any) => s.month },
          { label: "Status", render: (s: any) => s.status + (s.disputable_until ? ` (disputes until ${when(s.disputable_until)})` : "") },
          { label: "Tier", render: (s: any) => s.tier_reached || "none" },
          { label: "Money", render: (s: any) => major(s.amount_minor_total, s.currency) },
          { label: "", render: (s: any) => <button type="button" onClick={() => setOpen(s.id)}>{`Open ${s.month}`}</button> },
        ]}
      />
      {open && <StatementLines id={open} />}
    </>
  );
}

function StatementLines({ id }: { id: string }) {
  const { data: s, error, reload } = useLoad<any>(() => api(`/host/statements/${id}`), [id]);
  if (error) return <ErrorNote error={error} />;
  if (!s) return <p>Loading…</p>;
  return (
    <section aria-label={`Statement ${s.month}`}>
      <h2>Statement {s.month}</h2>
      <p>
        Coins {coins(s.coins_total)} (the month's earnings entries), money {major(s.amount_minor_total, s.currency)} (payouts and salary).
      </p>
      <Table
        caption={`Lines of ${s.month}`}
        rows={s.lines}
        columns={[
          { label: "Line", render: (l: any) => l.id },
          { label: "Day", render: (l: any) => l.day ?? "" },
          { label: "What", render: (l: any) => `${l.kind}: ${l.reason}` },
          { label: "Coins", render: (l: any) => (l.coins ? coins(l.coins) : "") },
          { label: "Money", render: (l: any) => (l.amount_minor ? major(l.amount_minor, s.currency) : "") },
          { label: "Entries", render: (l: any) => l.ref_ids.length },
        ]}
      />
      {s.disputes.length > 0 && (
        <ul aria-label="Disputes">
          {s.disputes.map((d: any) => (
            <li key={d.id}>
              {d.line_id}: {d.text} — {d.status}
              {d.resolution ? `: ${d.resolution}` : ""}
            </li>
          ))}
        </ul>
      )}
      {s.status === "closed" && (
        <Form
          fields={[
            { name: "line_id", label: "Line disputed", type: "select", required: true, options: s.lines.map((l: any) => ({ value: l.id, label: `${l.id} ${l.kind}` })) },
            { name: "text", label: "What is wrong", type: "textarea", required: true },
          ]}
          submitLabel={`Dispute a line of ${s.month}`}
          submit={(v) => api("POST", `/host/statements/${s.id}/disputes`, v)}
          done={reload}
        />
      )}
    </section>
  );
}

/** An agency's month: revenue, commission rate and its source, the next tier, sub-agencies and an invitation to a new one. */
export function AgencyMonth() {
  const { data: m, error, reload } = useLoad<any>(() => api("/agency/month"));
  if (error) return <ErrorNote error={error} />;
  if (!m) return <p>Loading…</p>;
  return (
    <>
      <div class="stats">
        <Stat label="Revenue this month" value={major(m.revenue_minor, m.currency)} />
        <Stat label="Commission" value={`${m.commission_bps / 100} % (${m.commission_source})`} />
        <Stat label="Tier" value={m.tier} />
      </div>
      {m.next_tier && (
        <p role="status">
          {major(m.next_tier.gap_minor, m.currency)} more settled this month reaches {m.next_tier.commission_bps / 100} %.
        </p>
      )}
      <Table
        caption="Sub-agencies"
        rows={m.sub_agencies}
        columns={[
          { label: "Name", render: (s: any) => `${s.name} (${s.status})` },
          { label: "Revenue", render: (s: any) => major(s.revenue_minor, m.currency) },
          { label: "Their commission", render: (s: any) => `${s.commission_bps / 100} %` },
          { label: "Your override", render: (s: any) => major(s.override_minor, m.currency) },
        ]}
      />
      {m.commission_source !== "parent" && (
        <Form
          title="Invite a sub-agency"
          fields={[
            { name: "name", label: "Sub-agency name", required: true },
            { name: "owner_email", label: "Sub-agency owner's e-mail", type: "email", required: true },
            { name: "commission_bps", label: "Their commission (basis points)", type: "number", required: true },
          ]}
          submitLabel="Invite sub-agency"
          submit={(v) => api("POST", "/agency/sub-agencies", v)}
          done={reload}
        />
      )}
    </>
  );
}
