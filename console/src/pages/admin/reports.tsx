import { useState } from "preact/hooks";
import { api, withQuery } from "../../api";
import { Action, Paged, Person, when } from "../../ui";
import { Ban } from "./users";

// ---- Reports ----

export const RESOLUTIONS: { action: string; label: string }[] = [
  { action: "dismiss", label: "Dismiss" },
  { action: "remove_content", label: "Remove content" },
  { action: "ban_user", label: "Ban user" },
];

export function Reports() {
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
