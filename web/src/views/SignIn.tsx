import { useEffect, useRef, useState } from "preact/hooks";
import { LIMITS } from "../../../schema/limits";
import { api } from "../api";
import { ErrorNote } from "../components/ErrorNote";
import { formatTime, utcTitle } from "../format";
import { mintRefusal } from "../mint-refusal";
import { signIn, SignInError, type Session } from "../session";

const REGION_HINT = "eu-central, eu-west";

/** Sign in with a pasted token, or (admins) mint a manager token for some regions and sign in with it. */
export function SignIn({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [token, setToken] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [adminToken, setAdminToken] = useState("");
  const [regions, setRegions] = useState("");
  const [holder, setHolder] = useState("");
  const [minted, setMinted] = useState<{ token: string; expiresAt: string } | null>(null);
  // The mint form's refusals are its own (its admin token, its regions), shown there, not at sign-in.
  const [mintError, setMintError] = useState<{ failure: unknown; regions: string[] } | null>(null);
  const tokenField = useRef<HTMLTextAreaElement>(null);
  // A refused sign-in disabled the button that had focus: back to the token, which the error describes.
  useEffect(() => {
    if (error !== null) tokenField.current?.focus();
  }, [error]);

  async function attempt(candidate: string) {
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await signIn(candidate));
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  async function mint(event: Event) {
    event.preventDefault();
    setBusy(true);
    setMintError(null);
    const list = regions.split(/[\s,]+/).filter(Boolean);
    try {
      const name = holder.trim();
      const result = await api.mintToken(adminToken.trim(), { role: "manager", regions: list, ttlSeconds: 7 * 24 * 3600, ...(name ? { name } : {}) });
      setMinted(result);
      setToken(result.token);
    } catch (failure) {
      setMintError({ failure, regions: list });
    } finally {
      setBusy(false);
    }
  }

  const refusal = mintError && mintRefusal(mintError.failure, mintError.regions);
  return (
    <main id="main" class="signin">
      <h1>Regional stock dashboard</h1>
      <form
        class="panel"
        onSubmit={(event) => {
          event.preventDefault();
          void attempt(token);
        }}
      >
        <h2>Sign in</h2>
        <label for="token">Your token</label>
        <textarea ref={tokenField} id="token" name="token" aria-invalid={error !== null} aria-describedby={error !== null ? "signin-error" : undefined} rows={4} value={token} onInput={(event) => setToken(event.currentTarget.value)} placeholder="Paste the token an admin gave you" spellcheck={false} autocomplete="off" required />
        <button type="submit" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
        {error !== null &&
          (error instanceof SignInError ? (
            <div class="error" role="alert" id="signin-error" data-testid="signin-error">
              <strong>{error.message}</strong>
            </div>
          ) : (
            <div id="signin-error">
              <ErrorNote error={error} />
            </div>
          ))}
      </form>

      <details class="panel">
        <summary>Admins: mint a manager token</summary>
        <form onSubmit={mint}>
          <label for="admin-token">Admin token</label>
          <input id="admin-token" type="password" value={adminToken} onInput={(event) => setAdminToken(event.currentTarget.value)} autocomplete="off" required />
          <label for="mint-regions">Regions (comma-separated)</label>
          <input id="mint-regions" value={regions} onInput={(event) => setRegions(event.currentTarget.value)} placeholder={REGION_HINT} required />
          <label for="mint-name">Manager's name (optional: oversells they resolve say it)</label>
          <input id="mint-name" value={holder} onInput={(event) => setHolder(event.currentTarget.value)} maxLength={LIMITS.maxTokenName} autocomplete="off" />
          <button type="submit" disabled={busy}>
            Mint a 7-day manager token
          </button>
          {mintError !== null &&
            (refusal !== null ? (
              <div class="error" role="alert" data-testid="mint-error">
                <strong>{refusal}</strong>
              </div>
            ) : (
              <ErrorNote error={mintError.failure} />
            ))}
          {minted && (
            <p class="note" role="status">
              Minted a token valid until{" "}
              <time dateTime={minted.expiresAt} title={utcTitle(minted.expiresAt)}>
                {formatTime(minted.expiresAt)}
              </time>
              . It is in the sign-in box above: copy it for the manager, or sign in with it.
            </p>
          )}
        </form>
      </details>
    </main>
  );
}
