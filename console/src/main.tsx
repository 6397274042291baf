import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { api, currentSession, onSession, type Role, type Session, signIn, signOut } from "./api";
import { ErrorNote, Form, type PageDef } from "./ui";
import { adminPages } from "./pages/admin";
import { agencyPages } from "./pages/agency";
import { hostPages } from "./pages/host";
import "./style.css";

const MENUS: Partial<Record<Role, PageDef[]>> = { admin: adminPages, agency: agencyPages, host: hostPages };

function useHash(): string {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const f = () => setHash(location.hash);
    addEventListener("hashchange", f);
    return () => removeEventListener("hashchange", f);
  }, []);
  return hash;
}

function SignIn() {
  const [login, setLogin] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  return (
    <main class="signin">
      <h1>Streamly console</h1>
      <form
        aria-label="Sign in"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          try {
            await signIn(login.trim(), password);
            location.hash = "#/dashboard";
          } catch (err) {
            setError(err);
          } finally {
            setBusy(false);
          }
        }}
      >
        <div class="field">
          <label for="login">Email or phone</label>
          <input id="login" autocomplete="username" required value={login} onInput={(e) => setLogin(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="password">Password</label>
          <input id="password" type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        </div>
        <button type="submit" disabled={busy}>
          Sign in
        </button>
        <ErrorNote error={error} />
      </form>
    </main>
  );
}

function Shell({ session }: { session: Session }) {
  const hash = useHash();
  // On a phone the menu folds behind a button (it would crop the page beside it).
  const [menuOpen, setMenuOpen] = useState(false);
  const pages = MENUS[session.user.role];
  if (!pages) {
    return (
      <main class="signin">
        <h1>Streamly console</h1>
        <p>This console is for admins, agencies and hosts. Use the app to watch, call and apply to host.</p>
        <p>Invited to run an agency? Enter the code from the invitation e-mail (sent to this account's address), then sign in again.</p>
        <Form
          fields={[{ name: "code", label: "Invitation code", required: true }]}
          submitLabel="Accept invitation"
          submit={(v) => api("POST", "/agency-invitations/accept", v)}
          // The account is an agency now: signing in again opens the agency panel.
          done={() => signOut()}
        />
        <button type="button" onClick={() => signOut()}>
          Sign out
        </button>
      </main>
    );
  }
  const parts = hash.replace(/^#\/?/, "").split("/").filter(Boolean).map(decodeURIComponent);
  const page = pages.find((p) => p.path === parts[0]) ?? pages[0];
  const View = page.view;
  return (
    <div class={menuOpen ? "shell menu-open" : "shell"}>
      <header class="topbar">
        <button type="button" aria-expanded={menuOpen} aria-controls="menu" onClick={() => setMenuOpen(!menuOpen)}>
          Menu
        </button>
        <span>{page.name}</span>
      </header>
      <nav aria-label="Menu" id="menu" onClick={(e) => (e.target as HTMLElement).tagName === "A" && setMenuOpen(false)}>
        <p class="who">
          {session.user.name}
          <br />
          <small>{session.user.role}</small>
        </p>
        <ul>
          {pages.map((p) => (
            <li key={p.path}>
              <a href={`#/${p.path}`} aria-current={p === page ? "page" : undefined}>
                {p.name}
              </a>
            </li>
          ))}
        </ul>
        <button type="button" onClick={() => signOut()}>
          Sign out
        </button>
      </nav>
      <main>
        <h1>{page.name}</h1>
        <View key={parts.join("/")} rest={parts.slice(1)} />
      </main>
    </div>
  );
}

function App() {
  const [session, setSession] = useState(currentSession());
  useEffect(() => onSession(setSession), []);
  return session ? <Shell session={session} /> : <SignIn />;
}

render(<App />, document.getElementById("app")!);
