// A client we did not write on the live channels: AWS Amplify's `events`
// (aws-amplify/data) connects to the dev server's AppSync Events stand-in with
// our access token (the Lambda authorizer mode), subscribes to a room and
// gets the room's end as the stream publishes it.
import { expect, test } from "@playwright/test";
import { Amplify } from "aws-amplify";
import { events } from "aws-amplify/data";
import NodeWebSocket from "ws";

// Node has no WebSocket of its own here; Amplify always asks for wss://, and
// the stand-in on loopback speaks ws:// (the protocol above it is Amplify's).
class LoopbackWebSocket extends NodeWebSocket {
  constructor(url: string | URL, protocols?: string | string[]) {
    super(String(url).replace(/^wss:\/\/(127\.0\.0\.1|localhost)([:/])/, "ws://$1$2"), protocols);
  }
}
(globalThis as { WebSocket?: unknown }).WebSocket = LoopbackWebSocket;

async function post(base: string, path: string, token: string | null, body: unknown) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  const r = await fetch(`${base}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
  return { status: r.status, body: await r.json().catch(() => null) };
}

test("AWS Amplify's events client subscribes to a room and receives its end", async ({ baseURL }) => {
  const base = baseURL!;
  const host = await post(base, "/auth/login", null, { login: "host2@demo.local", password: "demo-host-pass" });
  expect(host.status).toBe(200);
  const live = await post(base, "/rooms", host.body.access_token, { title: "Amplify" });
  expect(live.status).toBe(201);
  const room: string = live.body.room.id;
  const email = `amplify-${Date.now()}-${Math.floor(Math.random() * 1e6)}@clients.local`;
  const viewer = await post(base, "/auth/register", null, { name: "Amp Viewer", email, password: "amplify-pass" });
  expect(viewer.status).toBe(201);

  Amplify.configure({ API: { Events: { endpoint: `${base}/event`, region: "us-east-1", defaultAuthMode: "lambda" } } });
  const channel = await events.connect(`/rooms/${room}`, { authMode: "lambda", authToken: viewer.body.access_token });
  const seen: Record<string, unknown>[] = [];
  const waiters: Array<() => void> = [];
  channel.subscribe({
    next: (data: unknown) => {
      seen.push(((data as { event?: unknown })?.event ?? data) as Record<string, unknown>);
      waiters.splice(0).forEach((w) => w());
    },
    error: (e: unknown) => {
      throw e;
    },
  });
  // The next message (or null after `ms`): a bound on the wait, not a pause.
  const next = (ms: number) =>
    new Promise<void>((resolve) => {
      waiters.push(resolve);
      setTimeout(resolve, ms);
    });
  const has = (type: string) => seen.find((m) => m.type === type);
  // The subscription is live once a change made now reaches it: mute a bystander until one does.
  const bystander = await post(base, "/auth/register", null, {
    name: "Bystander",
    email: `by-${email}`,
    password: "amplify-pass",
  });
  for (let i = 0; i < 20 && !has("moderation"); i++) {
    const muted = await post(base, `/rooms/${room}/mute`, host.body.access_token, { user_id: bystander.body.user.id });
    expect(muted.status).toBe(200);
    await next(1000);
  }
  expect(has("moderation")?.account_id).toBe(bystander.body.user.id);
  const end = await post(base, `/rooms/${room}/end`, host.body.access_token, {});
  expect(end.status).toBe(200);
  for (let i = 0; i < 20 && !has("room_ended"); i++) await next(1000);
  const message = has("room_ended")!;
  expect(message.room_id).toBe(room);
  expect(typeof message.seq).toBe("number");
  channel.close();
});
