import { formatTime } from "../format";
import { href, type Route } from "../router";
import type { Session } from "../session";

/** The top bar: where you are, who you are (role and regions from the token), sign-out. */
export function Header({ session, route, overviewRegion, onSignOut }: { session: Session; route: Route; overviewRegion: string | undefined; onSignOut: () => void }) {
  const links: Array<{ label: string; to: Route }> = [
    // Back to the region last looked at, not the token's first one.
    { label: "Overview", to: overviewRegion ? { view: "overview", region: overviewRegion } : { view: "overview" } },
    { label: "Oversells", to: { view: "oversells" } },
    { label: "Movements", to: { view: "movements" } },
  ];
  return (
    <header class="top">
      <span class="brand">edge-inventory</span>
      <nav aria-label="Main">
        {links.map((link) => (
          <a href={href(link.to)} aria-current={route.view === link.to.view ? "page" : undefined}>
            {link.label}
          </a>
        ))}
      </nav>
      <div class="who" data-testid="who">
        {session.name && <span class="name">{session.name}</span>}
        <span class="role">{session.role}</span>
        <span class="regions" title="Regions of this token">
          {session.regions.length ? session.regions.join(", ") : "no regions"}
        </span>
        {session.expiresAt && <span class="muted expires">until {formatTime(session.expiresAt)}</span>}
        <button type="button" onClick={onSignOut}>
          Sign out
        </button>
      </div>
    </header>
  );
}
