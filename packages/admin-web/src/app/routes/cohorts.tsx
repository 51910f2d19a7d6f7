import { getRouteApi } from '@tanstack/react-router';
import { CohortsBrowser } from '../../features/cohorts/components/cohorts-browser';
import { useDocumentTitle } from '../../lib/use-document-title';

const route = getRouteApi('/signed-in/cohorts');

export function CohortsPage() {
  useDocumentTitle('Cohorts');
  const search = route.useSearch();
  return (
    <>
      <h1>Cohorts</h1>
      <p className="lead">Every group of the course: when it runs, how full it is and who is waiting.</p>
      <CohortsBrowser search={search} />
    </>
  );
}
