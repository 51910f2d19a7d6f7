import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { LoadError } from './load-error';
import { Loading } from './loading';

export interface QueryStateProps<T> {
  query: UseQueryResult<T>;
  /** Said while loading, e.g. "Loading the course…". */
  loadingLabel: string;
  /** Shown when loading failed, e.g. "The course could not be loaded". */
  errorTitle: string;
  /** Why it failed, in words. */
  errorMessage: (error: unknown) => string;
  children: (data: T) => ReactNode;
}

/** What a page shows of one query: loading, the failure with a way to try again, or the data. */
export function QueryState<T>({ query, loadingLabel, errorTitle, errorMessage, children }: QueryStateProps<T>) {
  if (query.isPending) return <Loading label={loadingLabel} />;
  if (query.isError) {
    return <LoadError title={errorTitle} message={errorMessage(query.error)} onRetry={() => void query.refetch()} isRetrying={query.isRefetching} />;
  }
  return <>{children(query.data)}</>;
}
