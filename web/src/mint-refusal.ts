// Why minting a manager token was refused, in words about the mint form's own fields (the
// admin token and the regions typed there), not the signed-in session's. Pure (tested in Node).
import { InventoryApiError } from "../../workers/client/errors";
import { LIMITS } from "../../schema/limits";
import { expectedOptions, issuesAt } from "./invalid-fields";

/** The refusal in plain words, or null for a failure the form has no words of its own for. */
export function mintRefusal(error: unknown, regions: string[]): string | null {
  if (!(error instanceof InventoryApiError)) return null;
  if (error.status === 401) return "That admin token was not accepted. Check it and try again.";
  if (error.status === 403) return "That token may not mint tokens: only an admin token can.";
  if (issuesAt(error, "json.name").length > 0) return `The name may have up to ${LIMITS.maxTokenName} characters and no control characters.`;
  const issues = issuesAt(error, "json.regions");
  if (issues.length === 0) return null;
  const unknown = issues.filter((issue) => /^\d+$/.test(issue.at));
  if (unknown.length === 0) return "Enter at least one region.";
  const names = unknown.map((issue) => `“${regions[Number(issue.at)] ?? issue.at}”`).join(", ");
  const options = expectedOptions(unknown[0]!.message);
  return `Unknown region${unknown.length > 1 ? "s" : ""} ${names}${options.length ? `; choose one of ${options.join(", ")}` : ""}.`;
}
