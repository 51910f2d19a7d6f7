import { Button } from './button';

interface PagedQuery {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => unknown;
}

/** The next page of a cursor-paged list, on request; nothing once the last page is in. */
export function ShowMore({ query, label = 'Show more' }: { query: PagedQuery; label?: string }) {
  if (!query.hasNextPage) return null;
  return (
    <div className="list-more">
      <Button variant="secondary" onPress={() => void query.fetchNextPage()} isPending={query.isFetchingNextPage} pendingLabel="Loading more…">
        {label}
      </Button>
    </div>
  );
}
