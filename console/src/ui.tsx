// The console's building blocks: forms with visible labels and the API's
// error next to them, tables, cursor-paged lists, money formats.
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { ApiError, api, type Page, withQuery } from "./api";

/** A menu entry: its link text, its `#/path`, and the page it shows (the pages
 * declare theirs here, not in main.tsx, which imports the pages). */
export interface PageDef {
  name: string;
  path: string;
  view: (props: { rest: string[] }) => preact.JSX.Element;
}

export function coins(n: number | null | undefined): string {
  return `${(n ?? 0).toLocaleString("en-US")} coins`;
}

/** How many minor units a currency's major unit has, as a power of ten (INR 2, JPY 0). */
function fractionDigits(currency: string): number {
  try {
    return new Intl.NumberFormat("en-US", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2; // not an ISO code yet (the form is being typed): the API will say so
  }
}

/** Minor units (paise, cents) in the currency's major unit: 44900 INR → ₹449.00. */
export function major(minor: number, currency: string): string {
  const fmt = new Intl.NumberFormat("en-US", { style: "currency", currency });
  return fmt.format(minor / 10 ** fractionDigits(currency));
}

/** A price as typed ("199", "199.5", "199.00") in minor units (19900), exactly; null when it is not one. */
export function toMinor(typed: string, currency: string): number | null {
  const digits = fractionDigits(currency);
  const m = typed.trim().replace(/,/g, "").match(/^(\d+)(?:\.(\d*))?$/);
  if (!m || (m[2] ?? "").length > digits) return null;
  return Number(m[1]) * 10 ** digits + Number((m[2] ?? "").padEnd(digits, "0") || "0");
}

/** Minor units as a price to edit: 19900 INR → "199.00". */
export function toMajorInput(minor: number, currency: string): string {
  const digits = fractionDigits(currency);
  return (minor / 10 ** digits).toFixed(digits);
}

export function when(iso: string | null | undefined): string {
  return iso ? iso.replace("T", " ").replace(/\.\d+/, "").replace("Z", " UTC") : "";
}

export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  const text = error instanceof ApiError ? `${error.message} (${error.code})` : error instanceof Error ? error.message : String(error);
  return (
    <p role="alert" class="error">
      {text}
    </p>
  );
}

/** `load` run on mount and whenever `deps` change; `reload` runs it again. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[] = []) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setError(null);
    load().then(
      (d) => live && setData(d),
      (e) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  return { data, error, reload: () => setTick((t) => t + 1) };
}

export interface Field {
  name: string;
  label: string;
  type?: "text" | "number" | "money" | "password" | "email" | "date" | "checkbox" | "textarea" | "select" | "file";
  /** `money`: the field holding its currency; typed in major units (199.00), sent in minor units (19900). */
  currencyField?: string;
  required?: boolean;
  options?: { value: string; label: string }[];
  /** Left out of the body when empty. */
  optional?: boolean;
}

type Values = Record<string, any>;

/**
 * A form whose every input has a visible label; the API's error shows next to
 * it. `submit` gets the values (numbers as numbers, empty optional fields left
 * out); the form clears after success unless `keep`.
 */
export function Form(props: {
  title?: string;
  fields: Field[];
  initial?: Values;
  submitLabel: string;
  submit: (v: Values) => Promise<unknown>;
  keep?: boolean;
  done?: (result: unknown) => void;
}) {
  const start = () => {
    const v: Values = { ...Object.fromEntries(props.fields.map((f) => [f.name, f.type === "checkbox" ? false : ""])), ...props.initial };
    for (const f of props.fields) {
      if (f.type === "money" && typeof v[f.name] === "number") v[f.name] = toMajorInput(v[f.name], v[f.currencyField ?? ""] || "INR");
    }
    return v;
  };
  const [values, setValues] = useState<Values>(start);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [ok, setOk] = useState(false);
  const id = (f: Field) => `f-${props.submitLabel.replace(/\W+/g, "-")}-${f.name}`;
  const onSubmit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setOk(false);
    const body: Values = {};
    for (const f of props.fields) {
      const v = values[f.name];
      if (f.type === "money") {
        const currency = String(values[f.currencyField ?? ""] ?? "");
        const minor = toMinor(String(v ?? ""), currency);
        if (minor === null) {
          setBusy(false);
          setError(new Error(`${f.label}: an amount like 199.00 (at most ${fractionDigits(currency)} decimals)`));
          return;
        }
        body[f.name] = minor;
      } else if (f.type === "number") {
        if (v === "" || v === null || v === undefined) {
          if (!f.optional) body[f.name] = null;
        } else body[f.name] = Number(v);
      } else if (f.optional && (v === "" || v === null)) {
        continue;
      } else body[f.name] = v;
    }
    try {
      const r = await props.submit(body);
      setOk(true);
      if (!props.keep) setValues(start());
      props.done?.(r);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={onSubmit} class="form" aria-label={props.title ?? props.submitLabel}>
      {props.title && <h3>{props.title}</h3>}
      {props.fields.map((f) => (
        <div class="field" key={f.name}>
          <label for={id(f)}>{f.label}</label>
          {f.type === "textarea" ? (
            <textarea id={id(f)} required={f.required} value={values[f.name]} onInput={(e) => setValues({ ...values, [f.name]: e.currentTarget.value })} />
          ) : f.type === "select" ? (
            <select id={id(f)} required={f.required} value={values[f.name]} onChange={(e) => setValues({ ...values, [f.name]: e.currentTarget.value })}>
              <option value="">(choose)</option>
              {f.options?.map((o) => (
                <option value={o.value} key={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          ) : f.type === "checkbox" ? (
            <input id={id(f)} type="checkbox" checked={!!values[f.name]} onChange={(e) => setValues({ ...values, [f.name]: e.currentTarget.checked })} />
          ) : f.type === "file" ? (
            <input id={id(f)} type="file" required={f.required} onChange={(e) => setValues({ ...values, [f.name]: e.currentTarget.files?.[0] ?? null })} />
          ) : f.type === "money" ? (
            <input
              id={id(f)}
              inputMode="decimal"
              placeholder="199.00"
              required={f.required}
              value={values[f.name]}
              onInput={(e) => setValues({ ...values, [f.name]: e.currentTarget.value })}
            />
          ) : (
            <input
              id={id(f)}
              type={f.type ?? "text"}
              required={f.required}
              value={values[f.name]}
              onInput={(e) => setValues({ ...values, [f.name]: e.currentTarget.value })}
            />
          )}
        </div>
      ))}
      <div class="actions">
        <button type="submit" disabled={busy}>
          {props.submitLabel}
        </button>
        {ok && !error && <span class="ok">Done</span>}
      </div>
      <ErrorNote error={error} />
    </form>
  );
}

/** A button that runs an API action, showing its error beside it. */
export function Action(props: { label: string; run: () => Promise<unknown>; done?: () => void; confirm?: string }) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  return (
    <span class="action">
      <button
        type="button"
        disabled={busy}
        onClick={async () => {
          if (props.confirm && !window.confirm(props.confirm)) return;
          setBusy(true);
          setError(null);
          try {
            await props.run();
            props.done?.();
          } catch (e) {
            setError(e);
          } finally {
            setBusy(false);
          }
        }}
      >
        {props.label}
      </button>
      <ErrorNote error={error} />
    </span>
  );
}

/**
 * A money or account action shown before it is taken: the button asks the API
 * (or the row) for a preview of what will move, to whom, how much; only
 * "Confirm" takes the action. A refused preview (nothing to settle) says why.
 */
export function Confirmed(props: {
  label: string;
  preview: () => Promise<ComponentChildren>;
  run: () => Promise<unknown>;
  done?: () => void;
  /** Preview at once (the choice was made in a form above). */
  open?: boolean;
}) {
  const [shown, setShown] = useState<ComponentChildren | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (props.open) step(async () => setShown(await props.preview()));
  }, []);
  const step = async (f: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await f();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <span class="action">
      {shown === null ? (
        <button type="button" disabled={busy} onClick={() => step(async () => setShown(await props.preview()))}>
          {props.label}
        </button>
      ) : (
        <div class="preview" role="group" aria-label={`${props.label}: preview`}>
          {shown}
          <button
            type="button"
            disabled={busy}
            onClick={() =>
              step(async () => {
                await props.run();
                setShown(null);
                props.done?.();
              })
            }
          >
            Confirm: {props.label}
          </button>
          <button type="button" disabled={busy} onClick={() => setShown(null)}>
            Cancel
          </button>
        </div>
      )}
      <ErrorNote error={error} />
    </span>
  );
}

/** What a host's or an agency's day holds (`DayFigures`). */
export const DAY_METRICS = [
  { key: "earnings", label: "Earnings (coins)" },
  { key: "call_minutes", label: "Call minutes" },
  { key: "gifts_received", label: "Gifts received" },
];

/**
 * A bar per day of one metric of `series` (oldest first), with a picker of
 * the metrics; each bar's title is its day and value.
 */
export function Chart(props: { series: any[]; metrics: { key: string; label: string }[]; metric: string; onMetric: (key: string) => void }) {
  const { series, metric } = props;
  const w = 600,
    h = 160,
    pad = 24;
  const max = Math.max(1, ...series.map((d) => d[metric]));
  const bar = (w - 2 * pad) / Math.max(1, series.length);
  const label = props.metrics.find((m) => m.key === metric)?.label;
  return (
    <>
      <div class="field">
        <label for="metric">Chart</label>
        <select id="metric" value={metric} onChange={(e) => props.onMetric(e.currentTarget.value)}>
          {props.metrics.map((m) => (
            <option value={m.key} key={m.key}>
              {m.label}
            </option>
          ))}
        </select>
      </div>
      <svg class="chart" viewBox={`0 0 ${w} ${h}`} width="100%" style={{ maxWidth: `${w}px` }} role="img" aria-label={`${label} per day, last ${series.length} days`}>
        {series.map((d, i) => {
          const bh = ((h - 2 * pad) * d[metric]) / max;
          return (
            <rect key={d.day} x={pad + i * bar + 1} y={h - pad - bh} width={Math.max(1, bar - 2)} height={bh} fill="#5b5bd6">
              <title>{`${d.day}: ${d[metric]}`}</title>
            </rect>
          );
        })}
        <text x={pad} y={h - 6} font-size="10">
          {series[0]?.day}
        </text>
        <text x={w - pad} y={h - 6} font-size="10" text-anchor="end">
          {series[series.length - 1]?.day}
        </text>
        <text x={pad} y={14} font-size="10">
          max {max}
        </text>
      </svg>
    </>
  );
}

/** A person by name, linking to their record (the id when the account is gone). */
export function Person({ id, name }: { id: string | null | undefined; name?: string | null }) {
  if (!id) return <span>none</span>;
  return <a href={`#/users/${id}`}>{name ?? id}</a>;
}

export interface Column<T> {
  label: string;
  render: (row: T) => ComponentChildren;
}

export function Table<T>({ rows, columns, caption }: { rows: T[]; columns: Column<T>[]; caption?: string }) {
  if (rows.length === 0) return <p class="empty">Nothing here yet.</p>;
  return (
    <table>
      {caption && <caption>{caption}</caption>}
      <thead>
        <tr>
          {columns.map((c) => (
            <th scope="col" key={c.label}>
              {c.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r, i) => (
          <tr key={i}>
            {columns.map((c) => (
              <td key={c.label}>{c.render(r)}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A list the API pages with cursors: "Next page" and "Previous page". */
export function Paged<T>(props: { path: string; columns: Column<T>[]; caption?: string; limit?: number; version?: number }) {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  useEffect(() => setCursors([null]), [props.path, props.version]);
  const cursor = cursors[cursors.length - 1];
  const { data, error } = useLoad<Page<T>>(() => api(withQuery(props.path, { limit: props.limit ?? 20, cursor })), [props.path, cursor, props.version]);
  return (
    <div class="paged">
      <ErrorNote error={error} />
      {data && <Table rows={data.items} columns={props.columns} caption={props.caption} />}
      <div class="pager">
        {cursors.length > 1 && (
          <button type="button" onClick={() => setCursors(cursors.slice(0, -1))}>
            Previous page
          </button>
        )}
        {data?.next_cursor && (
          <button type="button" onClick={() => setCursors([...cursors, data.next_cursor])}>
            Next page
          </button>
        )}
      </div>
    </div>
  );
}

/** Every page of a list (CSV export, sums). */
export async function all<T>(path: string): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<T> = await api(withQuery(path, { limit: 100, cursor }));
    out.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return out;
}

/** A labelled number: `role=group` named by its label, so tests and screen readers find it. */
export function Stat({ label, value }: { label: string; value: ComponentChildren }) {
  return (
    <div class="stat" role="group" aria-label={label}>
      <span class="label">{label}</span>
      <strong class="value">{value}</strong>
    </div>
  );
}

export function download(name: string, text: string, type = "text/csv") {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([text], { type }));
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
}

export function csv(rows: Record<string, unknown>[], columns: string[]): string {
  const cell = (v: unknown) => {
    const s = v === null || v === undefined ? "" : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [columns.join(","), ...rows.map((r) => columns.map((c) => cell(r[c])).join(","))].join("\n") + "\n";
}
