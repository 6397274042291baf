// The HTTP API with the signed-in account's bearer token. The base is the
// page's own origin (the dev server, or CloudFront in front of both) unless
// the build sets VITE_API_BASE.
const BASE: string = import.meta.env.VITE_API_BASE ?? "";

export type Role = "user" | "host" | "agency" | "admin";

export interface Session {
  access_token: string;
  refresh_token: string;
  user: { id: string; name: string; role: Role };
}

/** An error answer of the API: `{error, message}` and its status. */
export class ApiError extends Error {
  constructor(
    public status: number,
    public code: string,
    message: string,
  ) {
    super(message);
  }
}

const KEY = "streamly.session";
let session: Session | null = JSON.parse(sessionStorage.getItem(KEY) ?? "null");
const listeners = new Set<(s: Session | null) => void>();

export function currentSession(): Session | null {
  return session;
}

export function onSession(f: (s: Session | null) => void): () => void {
  listeners.add(f);
  return () => listeners.delete(f);
}

function setSession(s: Session | null) {
  session = s;
  if (s) sessionStorage.setItem(KEY, JSON.stringify(s));
  else sessionStorage.removeItem(KEY);
  listeners.forEach((f) => f(s));
}

async function send(method: string, path: string, body?: unknown, token?: string): Promise<Response> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers["content-type"] = "application/json";
  if (token) headers["authorization"] = `Bearer ${token}`;
  return fetch(BASE + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

async function parse<T>(res: Response): Promise<T> {
  const text = await res.text();
  const data = text ? JSON.parse(text) : null;
  if (!res.ok) {
    throw new ApiError(res.status, data?.error ?? "error", data?.message ?? `HTTP ${res.status}`);
  }
  return data as T;
}

export async function signIn(login: string, password: string): Promise<Session> {
  const s = await parse<Session>(await send("POST", "/auth/login", { login, password }));
  setSession(s);
  return s;
}

export async function signOut() {
  const s = session;
  setSession(null);
  if (s) await send("POST", "/auth/logout", { refresh_token: s.refresh_token }, s.access_token).catch(() => {});
}

/**
 * A call as the signed-in account: `api(path)` GETs, `api(method, path, body)`
 * sends. An expired access token is refreshed once.
 */
export async function api<T = any>(methodOrPath: string, maybePath?: string, body?: unknown): Promise<T> {
  const [method, path] = maybePath === undefined ? ["GET", methodOrPath] : [methodOrPath, maybePath];
  let res = await send(method, path, body, session?.access_token);
  if (res.status === 401 && session) {
    const r = await send("POST", "/auth/refresh", { refresh_token: session.refresh_token });
    if (!r.ok) {
      setSession(null);
      return parse<T>(res);
    }
    setSession(await r.json());
    res = await send(method, path, body, session?.access_token);
  }
  return parse<T>(res);
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/** `path` with `params` as its query (empty values left out). */
export function withQuery(path: string, params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}${path.includes("?") ? "&" : "?"}${s}` : path;
}

/** A file up to S3 through the presigned flow (`POST /uploads`, then a PUT); answers its key. */
export async function upload(kind: "image" | "audio" | "video", file: File, fallbackType: string): Promise<string> {
  const up = await api("POST", "/uploads", { kind, content_type: file.type || fallbackType, size: file.size });
  const put = await fetch(up.url, { method: "PUT", headers: up.headers, body: file });
  if (!put.ok) throw new Error(`upload failed: HTTP ${put.status}`);
  return up.key;
}

/**
 * Subscribes to a live channel (`/rooms/{id}`) over the Event API's
 * WebSocket as the apps do (AppSync Events' protocol, our access token as
 * the Lambda authorizer's): `onEvent` gets each message, `onStatus` says
 * `live`, `refused` or `closed`. The realtime endpoint is the page's own
 * origin's `/event/realtime` (the dev server's stand-in) unless the build
 * sets VITE_EVENTS_REALTIME_URL and VITE_EVENTS_HOST (AWS's). Answers a
 * function that closes it.
 */
export function subscribeChannel(channel: string, onEvent: (e: any) => void, onStatus: (s: string) => void): () => void {
  const token = session?.access_token ?? "";
  const host: string = import.meta.env.VITE_EVENTS_HOST ?? location.host;
  const url: string = import.meta.env.VITE_EVENTS_REALTIME_URL ?? `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/event/realtime`;
  const auth = { host, Authorization: token };
  const header = btoa(JSON.stringify(auth)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  const ws = new WebSocket(url, ["aws-appsync-event-ws", `header-${header}`]);
  ws.onopen = () => ws.send(JSON.stringify({ type: "connection_init" }));
  ws.onmessage = (m) => {
    const v = JSON.parse(String(m.data));
    if (v.type === "connection_ack") ws.send(JSON.stringify({ type: "subscribe", id: "channel", channel, authorization: auth }));
    else if (v.type === "subscribe_success") onStatus("live");
    else if (v.type === "subscribe_error" || v.type === "connection_error") onStatus("refused");
    else if (v.type === "data") onEvent(JSON.parse(v.event));
  };
  ws.onclose = () => onStatus("closed");
  return () => ws.close();
}
