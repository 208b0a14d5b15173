import { useEffect, useState } from "preact/hooks";
import { ErrorBoundary } from "./components/ErrorBoundary";
import { SkipLink } from "./components/SkipLink";
import { Header } from "./views/Header";
import { Movements } from "./views/Movements";
import { NotFound } from "./views/NotFound";
import { Overview } from "./views/Overview";
import { Oversells } from "./views/Oversells";
import { SignIn } from "./views/SignIn";
import { StoreView } from "./views/StoreView";
import { KnownStore } from "./views/UnknownStore";
import { useLastRegion } from "./last-region";
import { pageTitle } from "./page-title";
import { href, useRoute } from "./router";
import { restoreSession, signOut, type Session } from "./session";

const NO_REGIONS: string[] = [];

export function App() {
  const [session, setSession] = useState<Session | null>(() => restoreSession());
  const route = useRoute();
  const lastRegion = useLastRegion(route, session?.regions ?? NO_REGIONS);
  const overviewRegion = route.view === "overview" ? (route.region ?? lastRegion.region ?? session?.regions[0]) : undefined;
  const title = pageTitle(session ? route : null, overviewRegion);
  useEffect(() => {
    document.title = title;
  }, [title]);
  if (!session) {
    return (
      <ErrorBoundary>
        <SignIn onSignedIn={setSession} />
      </ErrorBoundary>
    );
  }
  const leave = () => {
    signOut();
    setSession(null);
    location.hash = "";
  };
  return (
    <>
      <SkipLink target="main" />
      <Header session={session} route={route} overviewRegion={lastRegion.region} onSignOut={leave} />
      <main id="main" tabIndex={-1}>
        {/* Keyed by the route: a view that failed to draw gets a fresh start on the next page. */}
        <ErrorBoundary key={href(route)}>
          {route.view === "overview" && <Overview session={session} region={overviewRegion} />}
          {route.view === "store" && <StoreView session={session} storeId={route.storeId} onRegion={lastRegion.remember} />}
          {route.view === "oversells" && (
            <KnownStore storeId={route.storeId} back={{ route: { view: "oversells" }, label: "See every oversell" }}>
              <Oversells session={session} storeId={route.storeId} region={route.region} key={`o-${route.storeId ?? ""}-${route.region ?? ""}`} />
            </KnownStore>
          )}
          {route.view === "movements" && (
            <KnownStore storeId={route.storeId} back={{ route: { view: "movements" }, label: "See every movement" }}>
              <Movements session={session} storeId={route.storeId} key={`m-${route.storeId ?? ""}`} />
            </KnownStore>
          )}
          {route.view === "not-found" && <NotFound />}
        </ErrorBoundary>
      </main>
    </>
  );
}
