// The kit's demo page, served by `make dev` at FRONTEND_URL (http://localhost:5173/sell): sign in
// as a local seller (a token minted by the dev server with the stack's JWT_SECRET, see
// vite.config.ts), then the SellerDashboardView against the local API. Local use only.
import { StrictMode, useMemo, useState } from "react";
import { createRoot } from "react-dom/client";
import { SellerDashboardView } from "../src/components/SellerDashboardView";
import type { Locale } from "../src/i18n/strings";
import { createMarketplaceService } from "../src/services/marketplaceService";

const API = import.meta.env.VITE_VEZA_API_URL as string;
const store = window.sessionStorage;

async function mint(sub: string, expired: boolean): Promise<string> {
  const res = await fetch("/dev/token", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ sub, expired }) });
  if (!res.ok) throw new Error(await res.text());
  return ((await res.json()) as { token: string }).token;
}

function SignIn({ onSignedIn }: { onSignedIn: (sub: string) => void }) {
  const [sub, setSub] = useState("usr_alice");
  const [expired, setExpired] = useState(false);
  const [error, setError] = useState("");
  return (
    <main>
      <h1>Sign in as a local seller</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          mint(sub, expired)
            .then((token) => {
              store.setItem("veza.token", token);
              store.setItem("veza.sub", sub);
              store.setItem("veza.refreshes", "0");
              onSignedIn(sub);
            })
            .catch((err: unknown) => setError(String(err)));
        }}
      >
        <p>
          <label htmlFor="sub">Seller id</label> <input id="sub" value={sub} onChange={(e) => setSub(e.target.value)} pattern="[A-Za-z0-9_\-]{1,64}" required />
        </p>
        <p>
          <input id="expired" type="checkbox" checked={expired} onChange={(e) => setExpired(e.target.checked)} />{" "}
          <label htmlFor="expired">Start with an expired token (the kit refreshes it once)</label>
        </p>
        <button type="submit">Sign in</button>
        {error ? <p role="alert">{error}</p> : null}
      </form>
    </main>
  );
}

function App() {
  const [sub, setSub] = useState(store.getItem("veza.sub"));
  const [refreshes, setRefreshes] = useState(Number(store.getItem("veza.refreshes") ?? "0"));
  const [locale, setLocale] = useState<Locale>((store.getItem("veza.locale") as Locale) ?? "en");
  const service = useMemo(
    () =>
      createMarketplaceService({
        baseUrl: API,
        getToken: () => store.getItem("veza.token"),
        refreshToken: async () => {
          const current = store.getItem("veza.sub");
          if (!current) return null;
          const token = await mint(current, false);
          store.setItem("veza.token", token);
          const count = Number(store.getItem("veza.refreshes") ?? "0") + 1;
          store.setItem("veza.refreshes", String(count));
          setRefreshes(count);
          return token;
        },
      }),
    [],
  );
  if (!sub) return <SignIn onSignedIn={setSub} />;
  return (
    <>
      <header>
        <span>
          Signed in as <strong>{sub}</strong>
        </span>
        <span data-testid="refreshes">Token refreshed {refreshes} time(s)</span>
        <label>
          Language{" "}
          <select value={locale} onChange={(e) => (store.setItem("veza.locale", e.target.value), setLocale(e.target.value as Locale))}>
            <option value="en">English</option>
            <option value="fr">Français</option>
          </select>
        </label>
        <button
          type="button"
          onClick={() => {
            store.clear();
            window.location.assign("/sell");
          }}
        >
          Sign out
        </button>
      </header>
      <SellerDashboardView service={service} locale={locale} key={locale} />
    </>
  );
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
