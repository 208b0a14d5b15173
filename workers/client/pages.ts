/**
 * The pages of any listing that pages by cursor (`next` in each answer, handed back as the
 * next call's cursor: `cursor` for reports, `after` for the oversells list), one after
 * another, to the last page; `maxPages` stops earlier, where the caller wants only the first pages.
 *
 *   for await (const page of pagesOf((after) => client.oversells.list({ status: "open", after }))) …
 */
export async function* pagesOf<P extends { next: string | null }>(fetchPage: (cursor: string | undefined) => Promise<P>, maxPages = Infinity): AsyncGenerator<P> {
  let cursor: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const result = await fetchPage(cursor);
    yield result;
    if (!result.next) return;
    cursor = result.next;
  }
}
