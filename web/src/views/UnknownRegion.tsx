import { href } from "../router";

/** An overview address naming a region the API does not know (a typo, an old link): one sentence, not six refusals. */
export function UnknownRegion({ region, regions }: { region: string; regions: string[] }) {
  return (
    <div class="panel" data-testid="unknown-region">
      <h1>There is no region “{region}”</h1>
      {regions.length > 0 ? (
        <p>
          Your regions:{" "}
          {regions.map((name, index) => (
            <>
              {index > 0 && ", "}
              <a href={href({ view: "overview", region: name })}>{name}</a>
            </>
          ))}
          .
        </p>
      ) : (
        <p>
          <a href={href({ view: "overview" })}>Go to the overview</a>.
        </p>
      )}
    </div>
  );
}
