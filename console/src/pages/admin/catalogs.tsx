import { useState } from "preact/hooks";
import { api, upload } from "../../api";
import { Action, coins, Confirmed, ErrorNote, type Field, Form, major, Paged, useLoad, when } from "../../ui";

// ---- Catalogs and content ----

interface CatalogDef {
  list: string;
  admin: string;
  fields: Field[];
  columns: { label: string; render: (row: any) => any }[];
  label: (row: any) => string;
  /** What retiring the row does, shown before it is done. */
  retiring?: (row: any) => string;
  /** Its picture: a file uploaded on create (and optionally on edit) becomes `image_key`; lists show a thumbnail. */
  image?: boolean;
}

export const IMAGE: Field = { name: "image", label: "Image (PNG, JPEG or WebP)", type: "file", required: true };

/** The form's values as the API takes them: a chosen image uploaded first, its key sent. */
async function withImage(v: Record<string, any>): Promise<Record<string, any>> {
  const { image, ...rest } = v;
  if (image instanceof File) rest.image_key = await upload("image", image, "image/png");
  return rest;
}

export function Catalog({ def }: { def: CatalogDef }) {
  const [version, setVersion] = useState(0);
  const bump = () => setVersion((v) => v + 1);
  return (
    <>
      <Form title="Create" fields={def.image ? [...def.fields, IMAGE] : def.fields} submitLabel="Create" submit={async (v) => api("POST", def.admin, await withImage(v))} done={bump} />
      <Paged
        path={def.list}
        version={version}
        columns={[
          ...(def.image ? [{ label: "Image", render: (row: any) => <img class="thumb" src={row.image_url} alt={def.label(row)} /> }] : []),
          ...def.columns,
          {
            label: "Actions",
            render: (row: any) => (
              <>
                <details>
                  <summary>Edit {def.label(row)}</summary>
                  <Form
                    key={`${row.id} ${row.updated_at ?? ""}`} // a row's own form, not the one that stood in its place before
                    fields={[...def.fields, ...(def.image ? [{ ...IMAGE, label: "New image", required: false, optional: true }] : [])].map((f) => ({
                      ...f,
                      label: `${f.label} of ${def.label(row)}`,
                    }))}
                    initial={Object.fromEntries(def.fields.map((f) => [f.name, row[f.name] ?? ""]))}
                    keep
                    submitLabel={`Save ${def.label(row)}`}
                    submit={async (v) => api("PATCH", `${def.admin}/${row.id}`, await withImage(v))}
                    done={bump}
                  />
                </details>
                <Confirmed
                  label={`Retire ${def.label(row)}`}
                  preview={async () => <p>{def.retiring?.(row) ?? `${def.label(row)} leaves the catalog; what already uses it keeps it.`}</p>}
                  run={() => api("DELETE", `${def.admin}/${row.id}`)}
                  done={bump}
                />
              </>
            ),
          },
        ]}
      />
    </>
  );
}

export const text = (name: string, label: string, optional = false): Field => ({ name, label, required: !optional, optional });
export const number = (name: string, label: string): Field => ({ name, label, type: "number", required: true });

export const GIFTS: CatalogDef = {
  list: "/gifts",
  admin: "/admin/gifts",
  fields: [
    text("name", "Name"),
    number("price_coins", "Price (coins)"),
    text("animation_key", "Animation key", true),
    {
      name: "currency",
      label: "Bought with",
      type: "select",
      options: [
        { value: "coins", label: "paid coins" },
        { value: "bonus", label: "bonus coins only" },
      ],
      optional: true,
    },
    { name: "min_wealth_level", label: "Wealth level needed (0: anyone)", type: "number", optional: true },
  ],
  image: true,
  columns: [
    { label: "Name", render: (g) => g.name },
    { label: "Price", render: (g) => coins(g.price_coins) },
    { label: "Bought with", render: (g) => (g.currency === "bonus" ? "bonus coins" : "paid coins") },
    { label: "Sent", render: (g) => g.sent_count },
  ],
  label: (g) => g.name,
  retiring: (g) =>
    `${g.name} (${coins(g.price_coins)}, sent ${g.sent_count} times) leaves the catalog: the apps stop offering it and nobody can send it. Gifts already sent keep its name and price in every ledger and board.`,
};

export const PACKAGES: CatalogDef = {
  list: "/coin-packages",
  admin: "/admin/coin-packages",
  fields: [
    number("coins", "Coins"),
    number("bonus_coins", "Bonus coins"),
    text("currency", "Currency (ISO code)"),
    { name: "price_minor", label: "Price (e.g. 199.00)", type: "money", currencyField: "currency", required: true },
    text("google_product_id", "Google Play product id", true),
    text("apple_product_id", "App Store product id", true),
  ],
  columns: [
    { label: "Coins", render: (p) => coins(p.coins) },
    { label: "Bonus", render: (p) => coins(p.bonus_coins) },
    { label: "Price", render: (p) => major(p.price_minor, p.currency) },
    { label: "Google Play", render: (p) => p.google_product_id ?? "" },
    { label: "App Store", render: (p) => p.apple_product_id ?? "" },
  ],
  label: (p) => `${p.coins} coins package`,
  retiring: (p) =>
    `The ${coins(p.coins)} package at ${major(p.price_minor, p.currency)} leaves the shop: no new purchase of it starts. Purchases already paid are credited and refunded as usual.`,
};

export const INTERESTS: CatalogDef = {
  list: "/interests",
  admin: "/admin/interests",
  fields: [text("name", "Name"), text("icon_key", "Icon key", true)],
  columns: [{ label: "Name", render: (i) => i.name }],
  label: (i) => i.name,
};

export const AVATARS: CatalogDef = {
  list: "/avatars",
  admin: "/admin/avatars",
  fields: [],
  image: true,
  columns: [{ label: "Added", render: (a) => when(a.updated_at) }],
  label: (a) => `avatar ${a.id.slice(-6)}`,
};

export const FAQS: CatalogDef = {
  list: "/faqs",
  admin: "/admin/faqs",
  fields: [text("question", "Question"), { name: "answer", label: "Answer", type: "textarea", required: true }, number("position", "Position")],
  columns: [
    { label: "Position", render: (f) => f.position },
    { label: "Question", render: (f) => f.question },
    { label: "Answer", render: (f) => f.answer },
  ],
  label: (f) => f.question,
};

/** Audio for posts: the file goes to S3 through a presigned PUT, then the entry is created. */
export function Audio() {
  const [version, setVersion] = useState(0);
  const bump = () => setVersion((v) => v + 1);
  const create = async (v: Record<string, any>) => {
    const file: File | null = v.file;
    if (!file) throw new Error("file: choose an audio file");
    const body: Record<string, string> = { title: v.title, media_key: await upload("audio", file, "audio/mpeg") };
    if (v.artist) body.artist = v.artist;
    return api("POST", "/admin/audios", body);
  };
  return (
    <>
      <Form
        title="Upload audio"
        fields={[text("title", "Title"), text("artist", "Artist", true), { name: "file", label: "Audio file", type: "file", required: true }]}
        submitLabel="Upload"
        submit={create}
        done={bump}
      />
      <Paged
        path="/audios"
        version={version}
        columns={[
          { label: "Title", render: (a: any) => a.title },
          { label: "Artist", render: (a: any) => a.artist },
          { label: "Listen", render: (a: any) => <audio controls preload="none" src={a.media_url} /> },
          { label: "Actions", render: (a: any) => <Action label={`Retire ${a.title}`} run={() => api("DELETE", `/admin/audios/${a.id}`)} done={bump} /> },
        ]}
      />
    </>
  );
}

export function SitePage({ slug }: { slug: string }) {
  const { data, error } = useLoad<any>(() => api(`/pages/${slug}`).catch((e) => (e.status === 404 ? { title: "", body: "" } : Promise.reject(e))));
  if (error) return <ErrorNote error={error} />;
  if (!data) return <p>Loading…</p>;
  return (
    <Form
      fields={[text("title", "Title"), { name: "body", label: "Body (Markdown)", type: "textarea", required: true }]}
      initial={{ title: data.title, body: data.body }}
      keep
      submitLabel="Publish"
      submit={(v) => api("PUT", `/admin/pages/${slug}`, v)}
    />
  );
}
