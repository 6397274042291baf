import { useEffect, useState } from "preact/hooks";
import { api, subscribeChannel, upload, withQuery } from "../api";
import { Action, all, Chart, coins, Confirmed, csv, download, ErrorNote, type Field, Form, major, Paged, Person, Stat, Table, useLoad, when, type PageDef } from "../ui";
import { SettlementList, settlementPreview } from "./shared";

// ---- Dashboard ----

const METRICS: { key: string; label: string }[] = [
  { key: "new_users", label: "New users" },
  { key: "coins_sold", label: "Coins sold" },
  { key: "gift_coins", label: "Gifts sent (coins)" },
  { key: "call_minutes", label: "Call minutes" },
];

function Dashboard() {
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

// ---- Users ----

function Users({ rest }: { rest: string[] }) {
  const [q, setQ] = useState("");
  if (rest[0]) return <UserDetail id={rest[0]} />;
  return (
    <>
      <Form title="Find users" fields={[{ name: "q", label: "Id, name, email or phone" }]} submitLabel="Search" keep submit={async (v) => setQ(v.q.trim())} />
      <Paged
        path={withQuery("/admin/users", { q })}
        caption={q ? `Users matching “${q}”` : "Newest users"}
        columns={[
          { label: "Name", render: (u: any) => <a href={`#/users/${u.id}`}>{u.name}</a> },
          { label: "Email", render: (u: any) => u.email },
          { label: "Phone", render: (u: any) => u.phone },
          { label: "Role", render: (u: any) => u.role },
          { label: "Agency", render: (u: any) => u.agency_name ?? "" },
          { label: "Coins", render: (u: any) => coins(u.coins) },
          { label: "Status", render: (u: any) => (u.banned ? "banned" : "active") },
        ]}
      />
    </>
  );
}

function UserDetail({ id }: { id: string }) {
  const [version, setVersion] = useState(0);
  const { data: u, error } = useLoad<any>(() => api(`/admin/users/${id}`), [id, version]);
  const bump = () => setVersion((v) => v + 1);
  if (error) return <ErrorNote error={error} />;
  if (!u) return <p>Loading…</p>;
  return (
    <>
      <h2>{u.name}</h2>
      <p>
        {u.role} · {u.email ?? u.phone} · joined {when(u.created_at)} · <strong>{u.banned ? `Banned: ${u.banned_reason ?? ""}` : "Active"}</strong>
      </p>
      <section aria-label="Wallet">
        <h3>Wallet</h3>
        <div class="stats">
          <Stat label="Coins" value={coins(u.coins)} />
          <Stat label="Unsettled earnings" value={coins(u.earnings)} />
          <Stat label="Settled earnings" value={coins(u.settled_earnings)} />
          <Stat label="Owed after refunds" value={coins(u.coin_debt)} />
        </div>
      </section>
      {u.banned ? (
        <Action label="Unban" run={() => api("POST", `/admin/users/${id}/unban`, {})} done={bump} />
      ) : (
        u.role !== "admin" && <Ban u={u} done={bump} />
      )}
      <Form
        title="Grant coins"
        fields={[
          { name: "amount", label: "Amount (coins; negative corrects)", type: "number", required: true },
          { name: "reason", label: "Reason", required: true },
        ]}
        submitLabel="Grant coins"
        submit={(v) => api("POST", `/admin/users/${id}/coins`, v)}
        done={bump}
      />
      <h3>Ledger</h3>
      <Paged
        path={`/admin/users/${id}/transactions`}
        version={version}
        columns={[
          { label: "When", render: (e: any) => when(e.created_at) },
          { label: "Type", render: (e: any) => e.type },
          { label: "Balance", render: (e: any) => e.balance },
          { label: "Amount", render: (e: any) => coins(e.amount) },
          { label: "Reason", render: (e: any) => e.reason ?? e.gift_name ?? "" },
        ]}
      />
    </>
  );
}

/** A ban, reviewed before it is taken: what it stops and what stays frozen. */
function Ban({ u, done }: { u: any; done: () => void }) {
  const [reason, setReason] = useState<string | null>(null);
  if (reason === null) {
    return <Form title="Ban" fields={[{ name: "reason", label: "Reason", required: true }]} submitLabel="Review ban" submit={async (v) => setReason(v.reason)} />;
  }
  return (
    <div class="preview" role="group" aria-label="Ban: preview">
      <p>
        Ban <strong>{u.name}</strong> ({u.role}) for “{reason}”: signed out everywhere at once; any live room and call of theirs ends now, the unbilled minute refunded to
        the caller. Their {coins(u.coins)} and {coins(u.earnings)} of unsettled earnings stay on the account and cannot move until the ban is lifted.
      </p>
      <Action label={`Confirm: ban ${u.name}`} run={() => api("POST", `/admin/users/${u.id}/ban`, { reason })} done={done} />
      <button type="button" onClick={() => setReason(null)}>
        Cancel
      </button>
    </div>
  );
}

// ---- Hosts, agencies, applications, settlements ----

function Hosts() {
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

function Agencies() {
  const [version, setVersion] = useState(0);
  const bump = () => setVersion((v) => v + 1);
  return (
    <>
      <Form
        title="Create agency"
        fields={[
          { name: "name", label: "Name", required: true },
          { name: "owner_email", label: "Owner email", type: "email", required: true },
          { name: "commission_percent", label: "Commission percent", type: "number", required: true },
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
          { label: "Commission", render: (a: any) => `${a.commission_percent} %` },
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

const SETTLEMENT_CSV = ["id", "created_at", "agency_id", "host_id", "host_name", "coins", "currency", "gross_minor", "platform_fee_minor", "agency_commission_minor", "host_payout_minor", "cutoff"];

function Settlements() {
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

// ---- Catalogs and content ----

interface CatalogDef {
  list: string;
  admin: string;
  fields: Field[];
  columns: { label: string; render: (row: any) => any }[];
  label: (row: any) => string;
  /** What retiring the row does, shown before it is done. */
  retiring?: (row: any) => string;
  /** Its picture: a file uploaded on create (and optionally on edit) becomes `image_key`; lists show a thumbnail. */
  image?: boolean;
}

const IMAGE: Field = { name: "image", label: "Image (PNG, JPEG or WebP)", type: "file", required: true };

/** The form's values as the API takes them: a chosen image uploaded first, its key sent. */
async function withImage(v: Record<string, any>): Promise<Record<string, any>> {
  const { image, ...rest } = v;
  if (image instanceof File) rest.image_key = await upload("image", image, "image/png");
  return rest;
}

function Catalog({ def }: { def: CatalogDef }) {
  const [version, setVersion] = useState(0);
  const bump = () => setVersion((v) => v + 1);
  return (
    <>
      <Form title="Create" fields={def.image ? [...def.fields, IMAGE] : def.fields} submitLabel="Create" submit={async (v) => api("POST", def.admin, await withImage(v))} done={bump} />
      <Paged
        path={def.list}
        version={version}
        columns={[
          ...(def.image ? [{ label: "Image", render: (row: any) => <img class="thumb" src={row.image_url} alt={def.label(row)} /> }] : []),
          ...def.columns,
          {
            label: "Actions",
            render: (row: any) => (
              <>
                <details>
                  <summary>Edit {def.label(row)}</summary>
                  <Form
                    key={`${row.id} ${row.updated_at ?? ""}`} // a row's own form, not the one that stood in its place before
                    fields={[...def.fields, ...(def.image ? [{ ...IMAGE, label: "New image", required: false, optional: true }] : [])].map((f) => ({
                      ...f,
                      label: `${f.label} of ${def.label(row)}`,
                    }))}
                    initial={Object.fromEntries(def.fields.map((f) => [f.name, row[f.name] ?? ""]))}
                    keep
                    submitLabel={`Save ${def.label(row)}`}
                    submit={async (v) => api("PATCH", `${def.admin}/${row.id}`, await withImage(v))}
                    done={bump}
                  />
                </details>
                <Confirmed
                  label={`Retire ${def.label(row)}`}
                  preview={async () => <p>{def.retiring?.(row) ?? `${def.label(row)} leaves the catalog; what already uses it keeps it.`}</p>}
                  run={() => api("DELETE", `${def.admin}/${row.id}`)}
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

// ---- Calls, payments, posts ----

const today = () => new Date().toISOString().slice(0, 10);

/** A filter bar over a list: its values go to the list's query; empty ones are left out. */
function Filters({ fields, value, onChange, label }: { fields: Field[]; value: Record<string, string>; onChange: (v: Record<string, string>) => void; label: string }) {
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

const CALL_STATES = ["ringing", "cancelled", "declined", "missed", "active", "ended"];

/** Calls in progress now, and a day's calls with what was charged and given back. */
function Calls() {
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

const PROVIDERS = ["stripe", "razorpay", "google", "apple"];
const RECHARGE_STATUSES = ["pending", "credited", "partially_refunded", "refunded"];
const RECHARGE_CSV = ["id", "created_at", "account_id", "account_name", "provider", "provider_ref", "status", "coins", "bonus_coins", "amount_minor", "currency", "refunded_minor", "clawed_coins", "credited_at"];

/** Purchases of every provider and store: a day's, by status and provider, or found by id, reference or buyer. */
function Payments() {
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
function Posts() {
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

// ---- Broadcasts ----

const SEGMENTS: { value: string; label: string }[] = [
  { value: "all", label: "Everyone" },
  { value: "users", label: "Users" },
  { value: "hosts", label: "Hosts" },
  { value: "agencies", label: "Agencies" },
];

/** A message to a segment: reviewed, then sent; the list shows how far each has gone out. */
function Broadcasts() {
  const [version, setVersion] = useState(0);
  const [draft, setDraft] = useState<Record<string, string> | null>(null);
  const who = (segment: string) => SEGMENTS.find((x) => x.value === segment)?.label.toLowerCase() ?? segment;
  return (
    <>
      {draft === null ? (
        <Form
          title="New broadcast"
          fields={[
            { name: "segment", label: "To", type: "select", required: true, options: SEGMENTS },
            { name: "title", label: "Title", required: true },
            { name: "body", label: "Message", type: "textarea", required: true },
          ]}
          submitLabel="Review broadcast"
          submit={async (v) => setDraft(v as Record<string, string>)}
        />
      ) : (
        <div class="preview" role="group" aria-label="Broadcast: preview">
          <p>
            To <strong>{who(draft.segment)}</strong> (every account of it that is not banned): a notification in the app and a push to each device.
          </p>
          <p>
            <strong>{draft.title}</strong>: {draft.body}
          </p>
          <Action
            label={`Confirm: send to ${who(draft.segment)}`}
            run={() => api("POST", "/admin/broadcasts", draft)}
            done={() => {
              setDraft(null);
              setVersion((v) => v + 1);
            }}
          />
          <button type="button" onClick={() => setDraft(null)}>
            Cancel
          </button>
        </div>
      )}
      <Paged
        path="/admin/broadcasts"
        version={version}
        caption="Broadcasts, newest first"
        columns={[
          { label: "When", render: (b: any) => when(b.created_at) },
          { label: "To", render: (b: any) => who(b.segment) },
          { label: "Title", render: (b: any) => b.title },
          { label: "Message", render: (b: any) => b.body },
          { label: "Status", render: (b: any) => (b.status === "sent" ? `sent ${when(b.finished_at)}` : "sending") },
          { label: "Delivered", render: (b: any) => b.sent },
        ]}
      />
    </>
  );
}

// ---- Live rooms ----

/** What is live now: who hosts, how many watch, what the room earned, who is on stage and any PK battle; an admin can end it. */
function LiveRooms() {
  const [version, setVersion] = useState(0);
  const [open, setOpen] = useState<string | null>(null);
  const name = (r: any) => r.title ?? `${r.host?.name ?? "a host"}'s room`;
  return (
    <>
      <Paged
        path="/rooms"
        version={version}
        caption="Live now"
        columns={[
          { label: "Room", render: (r: any) => name(r) },
          { label: "Host", render: (r: any) => <a href={`#/users/${r.host_id}`}>{r.host?.name ?? r.host_id}</a> },
          { label: "Kind", render: (r: any) => (r.kind === "audio" ? `audio party, ${r.seat_count} seats` : r.seat_count ? `video, ${r.seat_count} guest seats` : "video") },
          { label: "Viewers", render: (r: any) => r.viewers },
          { label: "Gifts", render: (r: any) => coins(r.host_earning) },
          { label: "Live since", render: (r: any) => when(r.started_at) },
          {
            label: "Actions",
            render: (r: any) => (
              <>
                <button type="button" onClick={() => setOpen(open === r.id ? null : r.id)}>
                  {open === r.id ? `Hide ${name(r)}` : `Stage and PK of ${name(r)}`}
                </button>{" "}
                <Action
                  label={`End ${name(r)}`}
                  confirm={`End ${name(r)} now? Its ${r.viewers} viewers are dropped, its guests leave the stage, any PK battle ends and the host's stream stops.`}
                  run={() => api("POST", `/rooms/${r.id}/end`)}
                  done={() => setVersion((v) => v + 1)}
                />
              </>
            ),
          },
        ]}
      />
      {open && <RoomStage id={open} key={`${open}-${version}`} />}
      {open && <RoomLive id={open} key={`live-${open}`} />}
    </>
  );
}

/**
 * A room as it happens, from its live channel (the same WebSocket channel
 * the apps subscribe to): chat lines as they are said (an admin deletes a
 * line, mutes or kicks who said it) and gifts as they are credited, merged
 * as the channel sends them.
 */
function RoomLive({ id }: { id: string }) {
  const [status, setStatus] = useState("connecting");
  const [lines, setLines] = useState<any[]>([]);
  const [gifts, setGifts] = useState<any[]>([]);
  const [notes, setNotes] = useState<string[]>([]);
  const history = useLoad(() => api<any>(`/rooms/${id}/messages`), [id]);
  useEffect(() => {
    if (history.data) setLines((now) => [...history.data.items.filter((l: any) => !now.some((n) => n.id === l.id)), ...now]);
  }, [history.data]);
  useEffect(
    () =>
      subscribeChannel(
        `/rooms/${id}`,
        (m) => {
          if (m.type === "chat") setLines((now) => (now.some((l) => l.id === m.id) ? now : [...now, m].slice(-100)));
          else if (m.type === "chat_deleted") setLines((now) => now.filter((l) => l.id !== m.id));
          else if (m.type === "gifts") setGifts((now) => [...m.gifts.map((g: any) => ({ ...g, seq: m.seq })), ...now].slice(0, 50));
          else if (m.type === "moderation") setNotes((now) => [`${m.kind}: ${m.account_id}`, ...now].slice(0, 10));
          else if (m.type === "room_ended") setNotes((now) => ["the room ended", ...now]);
        },
        setStatus,
      ),
    [id],
  );
  const who = (l: any) => l.sender_name ?? l.sender_id;
  return (
    <section aria-label="Live">
      <h2>Live: chat and gifts</h2>
      <p role="status">{status === "live" ? "Live: messages arrive as they happen." : `Channel ${status}.`}</p>
      <ErrorNote error={history.error} />
      <Table
        rows={lines}
        caption={`Chat: ${lines.length} lines`}
        columns={[
          { label: "From", render: (l: any) => <Person id={l.sender_id} name={who(l)} /> },
          { label: "Line", render: (l: any) => l.text },
          {
            label: "Actions",
            render: (l: any) => (
              <>
                <Action
                  label={`Delete ${who(l)}'s line`}
                  run={() => api("DELETE", `/rooms/${id}/messages/${l.id}`)}
                  done={() => setLines((now) => now.filter((n) => n.id !== l.id))}
                />{" "}
                <Action label={`Mute ${who(l)}`} run={() => api("POST", `/rooms/${id}/mute`, { user_id: l.sender_id, chat: true, mic: false })} />{" "}
                <Action
                  label={`Kick ${who(l)}`}
                  confirm={`Kick ${who(l)} out of this room for 10 minutes? Their app is told and their subscription refused.`}
                  run={() => api("POST", `/rooms/${id}/kick`, { user_id: l.sender_id })}
                />
              </>
            ),
          },
        ]}
      />
      <Table
        rows={gifts}
        caption="Gifts, newest first"
        columns={[
          { label: "From", render: (g: any) => <Person id={g.sender_id} name={g.sender_name} /> },
          { label: "Gift", render: (g: any) => `${g.gift_name} ×${g.quantity}${g.combo > 1 ? ` (combo ${g.combo})` : ""}` },
          { label: "Coins", render: (g: any) => coins(g.coins) },
        ]}
      />
      {notes.length ? (
        <ul aria-label="Moderation">
          {notes.map((n) => (
            <li>{n}</li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

/** One room's seats (who sits where; an admin can take a guest off) and its PK battle with the scores. */
function RoomStage({ id }: { id: string }) {
  const [version, setVersion] = useState(0);
  const room = useLoad(() => api<any>(`/rooms/${id}`), [id, version]);
  const r = room.data;
  if (!r) return <ErrorNote error={room.error} />;
  const pk = r.pk;
  return (
    <section aria-label="Stage">
      <h2>{r.title ?? "Room"}: stage</h2>
      <ErrorNote error={room.error} />
      {r.seats?.length ? (
        <Table
          rows={r.seats}
          caption={`${r.seats.filter((s: any) => s.account_id).length} of ${r.seats.length} seats taken`}
          columns={[
            { label: "Seat", render: (s: any) => s.seat },
            { label: "Guest", render: (s: any) => (s.account_id ? <Person id={s.account_id} name={s.display_name} /> : "free") },
            { label: "Locked", render: (s: any) => (s.locked ? "locked" : "open") },
            { label: "Mic", render: (s: any) => (s.muted ? "muted" : "on") },
            {
              label: "Actions",
              render: (s: any) =>
                s.account_id ? (
                  <Action
                    label={`Take ${s.display_name ?? "the guest"} off seat ${s.seat}`}
                    confirm={`Take ${s.display_name ?? "the guest"} off seat ${s.seat}? They stop publishing in the room at once.`}
                    run={() => api("DELETE", `/rooms/${id}/seats/${s.seat}`)}
                    done={() => setVersion((v) => v + 1)}
                  />
                ) : null,
            },
          ]}
        />
      ) : (
        <p>No guest seats.</p>
      )}
      <h2>PK battle</h2>
      {pk ? (
        <>
          <p>
            {pk.source === "match" ? "Random match" : "By invitation"}, {pk.state}, ends {when(pk.ends_at)}
          </p>
          <Table
            rows={pk.sides}
            caption="Scores: coins of the gifts sent into each side's room during the battle"
            columns={[
              { label: "Host", render: (s: any) => <Person id={s.host_id} name={s.host_name} /> },
              { label: "Score", render: (s: any) => coins(s.score) },
              { label: "Top gifter", render: (s: any) => (s.top_gifters[0] ? `${s.top_gifters[0].name} (${coins(s.top_gifters[0].coins)})` : "none yet") },
            ]}
          />
        </>
      ) : (
        <p>Not in a PK battle.</p>
      )}
    </section>
  );
}

// ---- Settings ----

/** The run-time percentages: the PK winner's bonus and a room owner's share of gifts to its guests. */
function Settings() {
  const [version, setVersion] = useState(0);
  const s = useLoad(() => api<any>("/admin/settings"), [version]);
  if (!s.data) return <ErrorNote error={s.error} />;
  return (
    <>
      <p>
        A PK winner gets {s.data.pk_winner_bonus_pct}% of its score from the platform; a room's owner gets {s.data.room_owner_share_pct}% of each gift sent to a guest on one of its seats; a gift of {coins(s.data.big_gift_coins)} or more is shown on its own in a room's live gifts.
        {s.data.updated_at ? ` Last changed ${when(s.data.updated_at)}.` : " Never changed: these are the defaults."}
      </p>
      <Form
        key={version}
        title="Change the settings"
        fields={[
          { name: "pk_winner_bonus_pct", label: "PK winner's bonus (% of its score, 0 to 50)", type: "number", required: true },
          { name: "room_owner_share_pct", label: "Room owner's share of gifts to guests (%, 0 to 50)", type: "number", required: true },
          { name: "big_gift_coins", label: "A big gift, shown on its own live (coins, from 1)", type: "number", required: true },
        ]}
        initial={{ pk_winner_bonus_pct: s.data.pk_winner_bonus_pct, room_owner_share_pct: s.data.room_owner_share_pct, big_gift_coins: s.data.big_gift_coins }}
        submitLabel="Save settings"
        keep
        submit={(v) => api("PUT", "/admin/settings", v)}
        done={() => setVersion((n) => n + 1)}
      />
    </>
  );
}

const text = (name: string, label: string, optional = false): Field => ({ name, label, required: !optional, optional });
const number = (name: string, label: string): Field => ({ name, label, type: "number", required: true });

const GIFTS: CatalogDef = {
  list: "/gifts",
  admin: "/admin/gifts",
  fields: [text("name", "Name"), number("price_coins", "Price (coins)"), text("animation_key", "Animation key", true)],
  image: true,
  columns: [
    { label: "Name", render: (g) => g.name },
    { label: "Price", render: (g) => coins(g.price_coins) },
    { label: "Sent", render: (g) => g.sent_count },
  ],
  label: (g) => g.name,
  retiring: (g) =>
    `${g.name} (${coins(g.price_coins)}, sent ${g.sent_count} times) leaves the catalog: the apps stop offering it and nobody can send it. Gifts already sent keep its name and price in every ledger and board.`,
};

const PACKAGES: CatalogDef = {
  list: "/coin-packages",
  admin: "/admin/coin-packages",
  fields: [
    number("coins", "Coins"),
    number("bonus_coins", "Bonus coins"),
    text("currency", "Currency (ISO code)"),
    { name: "price_minor", label: "Price (e.g. 199.00)", type: "money", currencyField: "currency", required: true },
    text("google_product_id", "Google Play product id", true),
    text("apple_product_id", "App Store product id", true),
  ],
  columns: [
    { label: "Coins", render: (p) => coins(p.coins) },
    { label: "Bonus", render: (p) => coins(p.bonus_coins) },
    { label: "Price", render: (p) => major(p.price_minor, p.currency) },
    { label: "Google Play", render: (p) => p.google_product_id ?? "" },
    { label: "App Store", render: (p) => p.apple_product_id ?? "" },
  ],
  label: (p) => `${p.coins} coins package`,
  retiring: (p) =>
    `The ${coins(p.coins)} package at ${major(p.price_minor, p.currency)} leaves the shop: no new purchase of it starts. Purchases already paid are credited and refunded as usual.`,
};

const INTERESTS: CatalogDef = {
  list: "/interests",
  admin: "/admin/interests",
  fields: [text("name", "Name"), text("icon_key", "Icon key", true)],
  columns: [{ label: "Name", render: (i) => i.name }],
  label: (i) => i.name,
};

const AVATARS: CatalogDef = {
  list: "/avatars",
  admin: "/admin/avatars",
  fields: [],
  image: true,
  columns: [{ label: "Added", render: (a) => when(a.updated_at) }],
  label: (a) => `avatar ${a.id.slice(-6)}`,
};

const FAQS: CatalogDef = {
  list: "/faqs",
  admin: "/admin/faqs",
  fields: [text("question", "Question"), { name: "answer", label: "Answer", type: "textarea", required: true }, number("position", "Position")],
  columns: [
    { label: "Position", render: (f) => f.position },
    { label: "Question", render: (f) => f.question },
    { label: "Answer", render: (f) => f.answer },
  ],
  label: (f) => f.question,
};

/** Audio for posts: the file goes to S3 through a presigned PUT, then the entry is created. */
function Audio() {
  const [version, setVersion] = useState(0);
  const bump = () => setVersion((v) => v + 1);
  const create = async (v: Record<string, any>) => {
    const file: File | null = v.file;
    if (!file) throw new Error("file: choose an audio file");
    const body: Record<string, string> = { title: v.title, media_key: await upload("audio", file, "audio/mpeg") };
    if (v.artist) body.artist = v.artist;
    return api("POST", "/admin/audios", body);
  };
  return (
    <>
      <Form
        title="Upload audio"
        fields={[text("title", "Title"), text("artist", "Artist", true), { name: "file", label: "Audio file", type: "file", required: true }]}
        submitLabel="Upload"
        submit={create}
        done={bump}
      />
      <Paged
        path="/audios"
        version={version}
        columns={[
          { label: "Title", render: (a: any) => a.title },
          { label: "Artist", render: (a: any) => a.artist },
          { label: "Listen", render: (a: any) => <audio controls preload="none" src={a.media_url} /> },
          { label: "Actions", render: (a: any) => <Action label={`Retire ${a.title}`} run={() => api("DELETE", `/admin/audios/${a.id}`)} done={bump} /> },
        ]}
      />
    </>
  );
}

function SitePage({ slug }: { slug: string }) {
  const { data, error } = useLoad<any>(() => api(`/pages/${slug}`).catch((e) => (e.status === 404 ? { title: "", body: "" } : Promise.reject(e))));
  if (error) return <ErrorNote error={error} />;
  if (!data) return <p>Loading…</p>;
  return (
    <Form
      fields={[text("title", "Title"), { name: "body", label: "Body (Markdown)", type: "textarea", required: true }]}
      initial={{ title: data.title, body: data.body }}
      keep
      submitLabel="Publish"
      submit={(v) => api("PUT", `/admin/pages/${slug}`, v)}
    />
  );
}

/** What an audited change did: each field that differs, before → after (a create has only after). */
function Diff({ before, after }: { before: any; after: any }) {
  const plain = (v: any) => (v && typeof v === "object" && !Array.isArray(v) ? v : null);
  const [b, a] = [plain(before), plain(after)];
  if (!b && !a) return before === undefined && after === undefined ? null : <code>{JSON.stringify(after ?? before)}</code>;
  const show = (v: any) => (v === undefined ? "—" : JSON.stringify(v));
  const keys = [...new Set([...Object.keys(b ?? {}), ...Object.keys(a ?? {})])].filter((k) => JSON.stringify(b?.[k]) !== JSON.stringify(a?.[k]));
  if (keys.length === 0) return <span>no change</span>;
  return (
    <ul class="diff">
      {keys.map((k) => (
        <li key={k}>
          <code>{k}</code>: {b && <del>{show(b[k])}</del>}
          {b && a && " → "}
          {a && <ins>{show(a[k])}</ins>}
        </li>
      ))}
    </ul>
  );
}

function Audit() {
  const [filter, setFilter] = useState<Record<string, string>>({});
  const actor = (e: any) => (
    <>
      <Person id={e.actor_id} name={e.actor_name} /> ({e.actor_role}){" "}
      <button type="button" class="link" onClick={() => setFilter({ ...filter, actor: e.actor_id })}>
        only {e.actor_name ?? "this actor"}
      </button>
    </>
  );
  return (
    <>
      <Form
        title="Filter"
        fields={[
          { name: "actor", label: "Actor (account id)", optional: true },
          { name: "action", label: "Action (e.g. ban-user)", optional: true },
          { name: "from", label: "From day", type: "date", optional: true },
          { name: "to", label: "To day", type: "date", optional: true },
        ]}
        initial={filter}
        key={JSON.stringify(filter)}
        keep
        submitLabel="Filter audit log"
        submit={async (v) => setFilter(Object.fromEntries(Object.entries(v).filter(([, x]) => x)) as Record<string, string>)}
      />
      <Paged
        path={withQuery("/admin/audit", filter)}
        limit={50}
        caption={Object.keys(filter).length ? `Filtered: ${Object.entries(filter).map(([k, v]) => `${k} ${v}`).join(", ")}` : "Everything, newest first"}
        columns={[
          { label: "When", render: (e: any) => when(e.created_at) },
          { label: "Actor", render: actor },
          { label: "Action", render: (e: any) => e.action },
          { label: "Request", render: (e: any) => `${e.method} ${e.path}` },
          { label: "Status", render: (e: any) => e.status },
          { label: "Change", render: (e: any) => <Diff before={e.before ?? undefined} after={e.after ?? undefined} /> },
          { label: "Body", render: (e: any) => (e.request ? <code>{JSON.stringify(e.request)}</code> : "") },
        ]}
      />
    </>
  );
}

// ---- Reports ----

const RESOLUTIONS: { action: string; label: string }[] = [
  { action: "dismiss", label: "Dismiss" },
  { action: "remove_content", label: "Remove content" },
  { action: "ban_user", label: "Ban user" },
];

function Reports() {
  const [version, setVersion] = useState(0);
  const [which, setWhich] = useState("open");
  const bump = () => setVersion((v) => v + 1);
  return (
    <>
      <div class="field">
        <label for="report-status">Status</label>
        <select id="report-status" value={which} onChange={(e) => setWhich(e.currentTarget.value)}>
          <option value="open">open</option>
          <option value="resolved">resolved</option>
        </select>
      </div>
      <Paged
        path={withQuery("/admin/reports", { status: which })}
        version={version}
        caption="Reports, oldest first"
        columns={[
          { label: "Reported", render: (r: any) => when(r.created_at) },
          { label: "What", render: (r: any) => (r.target_type === "user" ? "the account" : `${r.target_type} ${r.target_id}`) },
          { label: "Owner", render: (r: any) => <Person id={r.target_owner_id} name={r.target_owner_name} /> },
          { label: "Reason", render: (r: any) => r.reason + (r.note ? `: ${r.note}` : "") },
          { label: "Reporter", render: (r: any) => <Person id={r.reporter_id} name={r.reporter_name} /> },
          {
            label: "Resolution",
            render: (r: any) =>
              r.status === "open" ? (
                <>
                  {RESOLUTIONS.filter((x) => x.action !== "remove_content" || r.target_type !== "user").map((x) => (
                    <Action
                      key={x.action}
                      label={`${x.label}: report ${r.id}`}
                      confirm={x.action === "dismiss" ? undefined : `${x.label} for ${r.target_type} ${r.target_id}?`}
                      run={() => api("POST", `/admin/reports/${r.id}/resolve`, { action: x.action })}
                      done={bump}
                    />
                  ))}
                </>
              ) : (
                `${r.action}${r.resolution_note ? `: ${r.resolution_note}` : ""} (${when(r.resolved_at)})`
              ),
          },
        ]}
      />
    </>
  );
}

export const adminPages: PageDef[] = [
  { name: "Dashboard", path: "dashboard", view: Dashboard },
  { name: "Users", path: "users", view: Users },
  { name: "Hosts", path: "hosts", view: Hosts },
  { name: "Agencies", path: "agencies", view: Agencies },
  { name: "Host applications", path: "applications", view: () => <Applications list="/admin/host-applications" status /> },
  { name: "Payouts", path: "settlements", view: Settlements },
  { name: "Payments", path: "payments", view: Payments },
  { name: "Reports", path: "reports", view: Reports },
  { name: "Live rooms", path: "rooms", view: () => <LiveRooms /> },
  { name: "Calls", path: "calls", view: Calls },
  { name: "Posts", path: "posts", view: Posts },
  { name: "Broadcasts", path: "broadcasts", view: Broadcasts },
  { name: "Gifts", path: "gifts", view: () => <Catalog def={GIFTS} /> },
  { name: "Coin packages", path: "packages", view: () => <Catalog def={PACKAGES} /> },
  { name: "Audio", path: "audio", view: Audio },
  { name: "Interests", path: "interests", view: () => <Catalog def={INTERESTS} /> },
  { name: "Avatars", path: "avatars", view: () => <Catalog def={AVATARS} /> },
  { name: "FAQs", path: "faqs", view: () => <Catalog def={FAQS} /> },
  { name: "Terms", path: "terms", view: () => <SitePage slug="terms" /> },
  { name: "Privacy", path: "privacy", view: () => <SitePage slug="privacy" /> },
  { name: "Settings", path: "settings", view: Settings },
  { name: "Audit log", path: "audit", view: Audit },
];
