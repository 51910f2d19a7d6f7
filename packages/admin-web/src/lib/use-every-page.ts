// For views that need the whole of a list (a month's calendar, every offer out): follows the cursor
// of an infinite query until the last page, one page at a time.
import { useEffect } from 'react';

interface PagedQuery {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  isError: boolean;
  fetchNextPage: () => Promise<unknown>;
}

/** Fetches the remaining pages of `query` while `enabled`; answers whether any are still to come. */
export function useEveryPage(query: PagedQuery, enabled = true): boolean {
  const { hasNextPage, isFetchingNextPage, isError, fetchNextPage } = query;
  useEffect(() => {
    if (enabled && hasNextPage && !isFetchingNextPage && !isError) void fetchNextPage();
  }, [enabled, hasNextPage, isFetchingNextPage, isError, fetchNextPage]);
  return enabled && hasNextPage;
}
