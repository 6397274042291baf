import { useEffect, useState } from "preact/hooks";
import { api, subscribeChannel } from "../../api";
import { Action, coins, ErrorNote, Paged, Person, Table, useLoad, when } from "../../ui";

// ---- Live rooms ----

/** What is live now: who hosts, how many watch, what the room earned, who is on stage and any PK battle; an admin can end it. */
export function LiveRooms() {
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
export function RoomLive({ id }: { id: string }) {
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
export function RoomStage({ id }: { id: string }) {
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
