/**
 * The first stop of the keyboard: moves focus to the page's content. The click is handled
 * here rather than by following `href`: in a hash-routed page, going to `#main` is a route
 * change (to the overview), not a jump within the page.
 */
export function SkipLink({ target }: { target: string }) {
  return (
    <a
      class="skip"
      href={`#${target}`}
      onClick={(event) => {
        event.preventDefault();
        document.getElementById(target)?.focus();
      }}
    >
      Skip to content
    </a>
  );
}
