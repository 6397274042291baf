import { coins, major, Paged, when } from "../ui";

/** Settlements with their split in the currency's major unit (fee + commission + payout = gross). */
export function SettlementList({ path, version }: { path: string; version?: number }) {
  return (
    <Paged
      path={path}
      version={version}
      caption="Settlements"
      columns={[
        { label: "When", render: (s: any) => when(s.created_at) },
        { label: "Host", render: (s: any) => s.host_id },
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
