import { useState } from "preact/hooks";
import { api, withQuery } from "../../api";
import { Action, coins, ErrorNote, Form, Paged, Stat, Table, useLoad, when } from "../../ui";
import { number } from "./catalogs";

// ---- Users ----

export function Users({ rest }: { rest: string[] }) {
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

export function UserDetail({ id }: { id: string }) {
  const [version, setVersion] = useState(0);
  const { data: u, error } = useLoad<any>(() => api(`/admin/users/${id}`), [id, version]);
  const wallet = useLoad<any>(() => api(`/admin/users/${id}/wallet`), [id, version]);
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
          <Stat label="Bonus coins" value={coins(u.bonus_coins)} />
          <Stat label="Unsettled earnings" value={coins(u.earnings)} />
          <Stat label="Settled earnings" value={coins(u.settled_earnings)} />
          <Stat label="Owed after refunds" value={coins(u.coin_debt)} />
        </div>
        <p>
          Wealth level {u.wealth_level} · charm level {u.charm_level} · {u.vip_tier ? `VIP ${u.vip_tier}` : "no VIP"}
        </p>
        {wallet.data && wallet.data.bonus_expiring.length > 0 && (
          <Table
            caption="Bonus coins by when they expire (spending takes the soonest first)"
            rows={wallet.data.bonus_expiring}
            columns={[
              { label: "Bonus coins", render: (g: any) => coins(g.amount) },
              { label: "Expire", render: (g: any) => when(g.expires_at) },
            ]}
          />
        )}
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
export function Ban({ u, done }: { u: any; done: () => void }) {
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
