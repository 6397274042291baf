// Getting hosts and agencies paid: the KYC queue with its documents, the
// withdrawal queue (each approval previewed: what leaves, to which account,
// the fee), and the tables money follows (host targets, agency tiers).
import { useState } from "preact/hooks";
import { api, withQuery } from "../../api";
import { Action, Confirmed, ErrorNote, Form, Paged, Person, Table, major, useLoad, when } from "../../ui";

function StatusPicker(props: { id: string; value: string; options: string[]; onChange: (v: string) => void }) {
  return (
    <div class="field">
      <label for={props.id}>Status</label>
      <select id={props.id} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)}>
        {props.options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </div>
  );
}

export function Kyc() {
  const [version, setVersion] = useState(0);
  const [status, setStatus] = useState("pending");
  const bump = () => setVersion((v) => v + 1);
  return (
    <>
      <StatusPicker id="kyc-status" value={status} options={["pending", "verified", "rejected"]} onChange={setStatus} />
      <Paged
        path={withQuery("/admin/kyc", { status })}
        version={version}
        caption="Identity checks, oldest first"
        columns={[
          { label: "Submitted", render: (k: any) => when(k.created_at) },
          { label: "Account", render: (k: any) => <Person id={k.account_id} name={k.account_name} /> },
          { label: "Legal name", render: (k: any) => k.legal_name + (k.business_name ? ` (${k.business_name}, ${k.registration_number})` : "") },
          { label: "Born", render: (k: any) => `${k.date_of_birth} (${k.age})` },
          { label: "Document", render: (k: any) => `${k.document_type.replace("_", " ")}, ${k.country}${k.document_expires_on ? `, until ${k.document_expires_on}` : ""}` },
          {
            label: "Images",
            render: (k: any) => (
              <>
                {k.documents.map((d: any, i: number) => (
                  <a key={d.key} href={d.url} target="_blank" rel="noreferrer">
                    <img class="thumb" src={d.url} alt={`Document ${i + 1} of ${k.legal_name}`} />
                  </a>
                ))}
                <a href={k.selfie.url} target="_blank" rel="noreferrer">
                  <img class="thumb" src={k.selfie.url} alt={`Selfie of ${k.legal_name}`} />
                </a>
              </>
            ),
          },
          {
            label: "Decision",
            render: (k: any) =>
              k.status === "pending" ? (
                <>
                  <Action
                    label={`Approve ${k.legal_name}`}
                    confirm={`Verify ${k.legal_name}, born ${k.date_of_birth}?`}
                    run={() => api("POST", `/admin/kyc/${k.id}/approve`, {})}
                    done={bump}
                  />
                  <Form
                    fields={[{ name: "reason", label: `Reason to reject ${k.legal_name}`, required: true }]}
                    submitLabel={`Reject ${k.legal_name}`}
                    submit={(v) => api("POST", `/admin/kyc/${k.id}/reject`, v)}
                    done={bump}
                  />
                </>
              ) : (
                `${k.status}${k.reason ? `: ${k.reason}` : ""} (${when(k.decided_at)})`
              ),
          },
        ]}
      />
    </>
  );
}

const WITHDRAWAL_STATUSES = ["requested", "approved", "processing", "paid", "rejected", "cancelled", "failed", "reversed"];

export function Withdrawals() {
  const [version, setVersion] = useState(0);
  const [status, setStatus] = useState("requested");
  const bump = () => setVersion((v) => v + 1);
  const m = (w: any, n: number) => major(n, w.currency);
  return (
    <>
      <StatusPicker id="withdrawal-status" value={status} options={WITHDRAWAL_STATUSES} onChange={setStatus} />
      <Paged
        path={withQuery("/admin/withdrawals", { status })}
        version={version}
        caption="Withdrawals, oldest first"
        columns={[
          { label: "Requested", render: (w: any) => when(w.created_at) },
          { label: "Account", render: (w: any) => <Person id={w.account_id} name={w.account_name} /> },
          { label: "Amount", render: (w: any) => `${m(w, w.amount_minor)} (fee ${m(w, w.fee_minor)})` },
          { label: "To", render: (w: any) => `${w.method}: ${w.destination}, ${w.holder_name}` },
          { label: "State", render: (w: any) => w.status + (w.reference ? ` (${w.reference})` : "") + (w.reason ? `: ${w.reason}` : "") },
          {
            label: "Actions",
            render: (w: any) => (
              <>
                {["requested", "approved"].includes(w.status) && (
                  <Confirmed
                    label={`Approve withdrawal ${w.id}`}
                    preview={async () => {
                      const p: any = await api(`/admin/withdrawals/${w.id}`);
                      return (
                        <ul>
                          <li>leaves: {m(p, p.amount_minor)} of {p.account_name ?? p.account_id}'s payable money</li>
                          <li>sent: {m(p, p.payout_minor)} to {p.method} {p.destination}, held by {p.holder_name}</li>
                          <li>fee: {m(p, p.fee_minor)}</li>
                          <li>{p.method === "paypal" ? "paid by hand: mark it paid with PayPal's reference" : "sent through RazorpayX at once"}</li>
                        </ul>
                      );
                    }}
                    run={() => api("POST", `/admin/withdrawals/${w.id}/approve`, {})}
                    done={bump}
                  />
                )}
                {["requested", "approved"].includes(w.status) && (
                  <Form
                    fields={[{ name: "reason", label: `Reason to reject withdrawal ${w.id}`, required: true }]}
                    submitLabel={`Reject withdrawal ${w.id}`}
                    submit={(v) => api("POST", `/admin/withdrawals/${w.id}/reject`, v)}
                    done={bump}
                  />
                )}
                {w.status === "approved" && w.method === "paypal" && (
                  <Form
                    fields={[{ name: "reference", label: `Provider reference of withdrawal ${w.id}`, required: true }]}
                    submitLabel={`Mark withdrawal ${w.id} paid`}
                    submit={(v) => api("POST", `/admin/withdrawals/${w.id}/mark-paid`, v)}
                    done={bump}
                  />
                )}
              </>
            ),
          },
        ]}
      />
    </>
  );
}

function nextMonth(): string {
  const d = new Date();
  const n = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
  return n.toISOString().slice(0, 7);
}

export function PayTables() {
  const [month, setMonth] = useState(nextMonth());
  const targets = useLoad<any>(() => api(`/admin/host-targets/${month}`), [month]);
  const tiers = useLoad<any[]>(() => api("/admin/agency-tiers"));
  return (
    <>
      <section aria-label="Host targets">
        <h2>Host targets</h2>
        <div class="field">
          <label for="targets-month">Month</label>
          <input id="targets-month" type="month" value={month} onChange={(e) => setMonth(e.currentTarget.value)} />
        </div>
        {targets.error ? <ErrorNote error={targets.error} /> : null}
        {targets.data && (
          <>
            <p>
              {targets.data.custom ? "Set by an admin" : "The defaults"}
              {targets.data.frozen ? "; frozen: the month has started" : "; may change until the month starts"}.
            </p>
            <Table
              caption={`Host targets of ${month}`}
              rows={targets.data.tiers}
              columns={[
                { label: "Tier", render: (t: any) => t.tier },
                { label: "Valid days", render: (t: any) => t.min_valid_days },
                { label: "Valid hours", render: (t: any) => t.min_valid_hours },
                { label: "Earnings (coins)", render: (t: any) => t.min_earnings_coins },
                { label: "Salary", render: (t: any) => major(t.salary_minor, "INR") },
                { label: "Agency bonus", render: (t: any) => major(t.agency_bonus_minor, "INR") },
              ]}
            />
            {!targets.data.frozen && (
              <Form
                fields={[{ name: "tiers", label: `Tiers of ${month} (JSON)`, type: "textarea", required: true }]}
                initial={{ tiers: JSON.stringify(targets.data.tiers) }}
                keep
                submitLabel={`Save targets of ${month}`}
                submit={(v) => api("PUT", `/admin/host-targets/${month}`, JSON.parse(String(v.tiers)))}
                done={targets.reload}
              />
            )}
          </>
        )}
      </section>
      <section aria-label="Agency tiers">
        <h2>Agency commission tiers</h2>
        {tiers.error ? <ErrorNote error={tiers.error} /> : null}
        {tiers.data && (
          <>
            <Table
              caption="Agency tiers by the month's settled revenue"
              rows={tiers.data}
              columns={[
                { label: "From revenue", render: (t: any) => major(t.min_revenue_minor, "INR") },
                { label: "Commission", render: (t: any) => `${t.commission_bps / 100} %` },
              ]}
            />
            <Form
              fields={[{ name: "tiers", label: "Agency tiers (JSON)", type: "textarea", required: true }]}
              initial={{ tiers: JSON.stringify(tiers.data) }}
              keep
              submitLabel="Save agency tiers"
              submit={(v) => api("PUT", "/admin/agency-tiers", JSON.parse(String(v.tiers)))}
              done={tiers.reload}
            />
          </>
        )}
      </section>
    </>
  );
}
