import { href } from "../router";

/** An address that leads nowhere (a mangled link, a hand-edited hash). */
export function NotFound() {
  return (
    <div class="panel" data-testid="not-found">
      <h1>Page not found</h1>
      <p>
        This address does not lead to a page of the dashboard (it may have been cut short or mistyped). <a href={href({ view: "overview" })}>Go to the overview</a>.
      </p>
    </div>
  );
}
