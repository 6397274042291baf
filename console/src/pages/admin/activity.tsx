import { useState } from "preact/hooks";
import { api, withQuery } from "../../api";
import { all, coins, Confirmed, csv, download, ErrorNote, type Field, Form, major, Paged, Person, Table, useLoad, when } from "../../ui";
import { Reports } from "./reports";

// ---- Calls, payments, posts ----

export const today = () => new Date().toISOString().slice(0, 10);

/** A filter bar over a list: its values go to the list's query; empty ones are left out. */
export function Filters({ fields, value, onChange, label }: { fields: Field[]; value: Record<string, string>; onChange: (v: Record<string, string>) => void; label: string }) {
  return (
    <Form
      title={label}
      fields={fields.map((f) => ({ ...f, optional: true, required: false }))}
      initial={value}
      key={JSON.stringify(value)}
      keep
      submitLabel={`Show ${label.toLowerCase()}`}
      submit={async (v) => onChange(Object.fromEntries(Object.entries(v).filter(([, x]) => x !== "" && x !== null)) as Record<string, string>)}
    />
  );
}

export const CALL_STATES = ["ringing", "cancelled", "declined", "missed", "active", "ended"];

/** Calls in progress now, and a day's calls with what was charged and given back. */
export function Calls() {
  const [filter, setFilter] = useState<Record<string, string>>({ day: today() });
  const columns = [
    { label: "Began", render: (c: any) => when(c.created_at) },
    { label: "Caller", render: (c: any) => <Person id={c.caller_id} name={c.caller_name} /> },
    { label: "Host", render: (c: any) => <Person id={c.host_id} name={c.host_name} /> },
    { label: "State", render: (c: any) => c.state + (c.end_reason ? ` (${c.end_reason.replace(/_/g, " ")})` : "") },
    { label: "Price", render: (c: any) => `${coins(c.price_per_minute)}/min` },
    { label: "Minutes", render: (c: any) => `${c.billed_minutes} of ${c.paid_minutes} paid` },
    { label: "Charged", render: (c: any) => coins(c.total_coins) },
    { label: "Refunded", render: (c: any) => (c.refunded_coins ? coins(c.refunded_coins) : "") },
    { label: "Length", render: (c: any) => (c.duration_secs == null ? "" : `${Math.floor(c.duration_secs / 60)} min ${c.duration_secs % 60} s`) },
  ];
  return (
    <>
      <section aria-label="In progress">
        <h2>In progress</h2>
        <Paged path="/admin/calls?state=active" caption="Active calls, longest running first" columns={columns} />
      </section>
      <section aria-label="By day">
        <h2>By day</h2>
        <Filters
          label="Calls"
          fields={[
            { name: "day", label: "Day", type: "date" },
            { name: "state", label: "State", type: "select", options: CALL_STATES.map((x) => ({ value: x, label: x })) },
          ]}
          value={filter}
          onChange={setFilter}
        />
        <Paged path={withQuery("/admin/calls", filter)} caption={`Calls begun ${filter.day ?? "today"}, newest first`} columns={columns} />
      </section>
    </>
  );
}

export const PROVIDERS = ["stripe", "razorpay", "google", "apple"];
export const RECHARGE_STATUSES = ["pending", "credited", "partially_refunded", "refunded"];
export const RECHARGE_CSV = ["id", "created_at", "account_id", "account_name", "provider", "provider_ref", "status", "coins", "bonus_coins", "amount_minor", "currency", "refunded_minor", "clawed_coins", "credited_at"];

/** Purchases of every provider and store: a day's, by status and provider, or found by id, reference or buyer. */
export function Payments() {
  const [filter, setFilter] = useState<Record<string, string>>({ day: today() });
  const [error, setError] = useState<unknown>(null);
  const path = withQuery("/admin/recharges", filter);
  return (
    <>
      <Filters
        label="Payments"
        fields={[
          { name: "q", label: "Find: recharge id, provider reference, or buyer's id, email or phone" },
          { name: "day", label: "Day", type: "date" },
          { name: "status", label: "Status", type: "select", options: RECHARGE_STATUSES.map((x) => ({ value: x, label: x.replace("_", " ") })) },
          { name: "provider", label: "Provider", type: "select", options: PROVIDERS.map((x) => ({ value: x, label: x })) },
        ]}
        value={filter}
        onChange={setFilter}
      />
      <button
        type="button"
        onClick={async () => {
          setError(null);
          try {
            download("payments.csv", csv(await all<any>(path), RECHARGE_CSV));
          } catch (e) {
            setError(e);
          }
        }}
      >
        Export payments CSV
      </button>
      <ErrorNote error={error} />
      <Paged
        path={path}
        caption={filter.q ? `Found for “${filter.q}”` : `Payments begun ${filter.day ?? "today"}, newest first`}
        columns={[
          { label: "When", render: (r: any) => when(r.created_at) },
          { label: "Buyer", render: (r: any) => <Person id={r.account_id} name={r.account_name} /> },
          { label: "Provider", render: (r: any) => r.provider },
          { label: "Reference", render: (r: any) => <code>{r.provider_ref}</code> },
          { label: "Coins", render: (r: any) => coins(r.coins + r.bonus_coins) },
          { label: "Amount", render: (r: any) => major(r.amount_minor, r.currency) },
          { label: "Status", render: (r: any) => r.status.replace("_", " ") },
          { label: "Refunded", render: (r: any) => (r.refunded_minor ? `${major(r.refunded_minor, r.currency)} (${coins(r.clawed_coins)} taken back)` : "") },
        ]}
      />
    </>
  );
}

/** Recent posts and the reported ones, with their media; an admin removes a post after seeing what it is. */
export function Posts() {
  const [version, setVersion] = useState(0);
  const bump = () => setVersion((v) => v + 1);
  const reported = useLoad(async () => (await all<any>("/admin/reports?status=open")).filter((r) => r.target_type === "post" || r.target_type === "comment"), [version]);
  const media = (p: any) =>
    p.media_type.startsWith("image/") ? <img class="thumb" src={p.media_url} alt={p.caption || "post image"} /> : <video class="thumb" src={p.media_url} preload="metadata" muted aria-label={p.caption || "post video"} />;
  const remove = (p: any) => (
    <Confirmed
      label={`Remove post ${p.caption ? `“${p.caption}”` : p.id}`}
      preview={async () => (
        <p>
          The post is deleted with its likes, comments and shares; its author ({p.author_name ?? p.author_id}) is not banned. {p.likes} likes, {p.comments} comments.
        </p>
      )}
      run={() => api("DELETE", `/posts/${p.id}`)}
      done={bump}
    />
  );
  return (
    <>
      <section aria-label="Reported">
        <h2>Reported</h2>
        <ErrorNote error={reported.error} />
        <Table
          rows={reported.data ?? []}
          caption="Open reports of posts and comments (resolve them under Reports)"
          columns={[
            { label: "Reported", render: (r: any) => when(r.created_at) },
            { label: "What", render: (r: any) => `${r.target_type} ${r.target_id}` },
            { label: "Author", render: (r: any) => <Person id={r.target_owner_id} name={r.target_owner_name} /> },
            { label: "Reason", render: (r: any) => r.reason + (r.note ? `: ${r.note}` : "") },
            { label: "Reporter", render: (r: any) => <Person id={r.reporter_id} name={r.reporter_name} /> },
          ]}
        />
      </section>
      <section aria-label="Recent">
        <h2>Recent</h2>
        <Paged
          path="/feed"
          version={version}
          caption="Newest posts"
          columns={[
            { label: "Posted", render: (p: any) => when(p.created_at) },
            { label: "Media", render: media },
            { label: "Author", render: (p: any) => <Person id={p.author_id} name={p.author_name} /> },
            { label: "Caption", render: (p: any) => p.caption },
            { label: "Likes", render: (p: any) => p.likes },
            { label: "Comments", render: (p: any) => p.comments },
            { label: "Actions", render: remove },
          ]}
        />
      </section>
    </>
  );
}
