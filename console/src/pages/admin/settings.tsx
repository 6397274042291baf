import { useState } from "preact/hooks";
import { api, withQuery } from "../../api";
import { Action, coins, ErrorNote, Form, Paged, Person, useLoad, when } from "../../ui";
import { number } from "./catalogs";

// ---- Settings ----

/** The run-time percentages: the PK winner's bonus and a room owner's share of gifts to its guests. */
export function Settings() {
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

/** What an audited change did: each field that differs, before → after (a create has only after). */
export function Diff({ before, after }: { before: any; after: any }) {
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

export function Audit() {
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
