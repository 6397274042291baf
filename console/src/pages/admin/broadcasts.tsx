import { useState } from "preact/hooks";
import { api } from "../../api";
import { Action, all, Form, Paged, when } from "../../ui";
import { Users } from "./users";
import { Agencies, Hosts } from "./partners";

// ---- Broadcasts ----

export const SEGMENTS: { value: string; label: string }[] = [
  { value: "all", label: "Everyone" },
  { value: "users", label: "Users" },
  { value: "hosts", label: "Hosts" },
  { value: "agencies", label: "Agencies" },
];

/** A message to a segment: reviewed, then sent; the list shows how far each has gone out. */
export function Broadcasts() {
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
