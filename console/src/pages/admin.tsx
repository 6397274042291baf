// The admin's pages, one file each under ./admin/ (what each shows and does is said there).
import type { PageDef } from "../ui";
import { Dashboard } from "./admin/dashboard";
import { Users } from "./admin/users";
import { Agencies, Applications, Hosts, Settlements } from "./admin/partners";
import { AVATARS, Audio, Catalog, FAQS, GIFTS, INTERESTS, PACKAGES, SitePage } from "./admin/catalogs";
import { Calls, Payments, Posts } from "./admin/activity";
import { Broadcasts } from "./admin/broadcasts";
import { LiveRooms } from "./admin/rooms";
import { Audit, Settings } from "./admin/settings";
import { Reports } from "./admin/reports";
import { Rewards } from "./admin/rewards";
import { Kyc, PayTables, Withdrawals } from "./admin/payouts";

export { Applications } from "./admin/partners";

export const adminPages: PageDef[] = [
  { name: "Dashboard", path: "dashboard", view: Dashboard },
  { name: "Users", path: "users", view: Users },
  { name: "Hosts", path: "hosts", view: Hosts },
  { name: "Agencies", path: "agencies", view: Agencies },
  { name: "Host applications", path: "applications", view: () => <Applications list="/admin/host-applications" status /> },
  { name: "Payouts", path: "settlements", view: Settlements },
  { name: "Withdrawals", path: "withdrawals", view: Withdrawals },
  { name: "KYC", path: "kyc", view: Kyc },
  { name: "Pay tables", path: "pay-tables", view: PayTables },
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
  { name: "Rewards", path: "rewards", view: Rewards },
  { name: "Settings", path: "settings", view: Settings },
  { name: "Audit log", path: "audit", view: Audit },
];
