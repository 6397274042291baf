import { api } from "../api";
import { coins, major, Paged, Person, when } from "../ui";

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
