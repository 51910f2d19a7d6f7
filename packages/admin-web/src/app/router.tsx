// Code-based routes, one URL per page. Page components load on demand (route-level code
// splitting); the checks of who may see a page run before anything loads.
import type { QueryClient } from '@tanstack/react-query';
import {
  createRootRouteWithContext,
  createRoute,
  createRouter,
  lazyRouteComponent,
  redirect,
} from '@tanstack/react-router';
import { listCoursesQueryOptions } from '../features/courses/api/list-courses';
import { safeRedirect } from '../lib/safe-redirect';
import { isSignedIn } from '../lib/session';
import { ErrorPage } from './routes/error';
import { NotFoundPage } from './routes/not-found';

export interface RouterContext {
  queryClient: QueryClient;
}

interface SignInSearch {
  redirect?: string;
}

const rootRoute = createRootRouteWithContext<RouterContext>()({
  notFoundComponent: NotFoundPage,
});

const signInRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/sign-in',
  validateSearch: (search: Record<string, unknown>): SignInSearch =>
    typeof search.redirect === 'string' ? { redirect: search.redirect } : {},
  beforeLoad: ({ search }) => {
    if (isSignedIn()) throw redirect({ href: safeRedirect(search.redirect), replace: true });
  },
  component: lazyRouteComponent(() => import('./routes/sign-in'), 'SignInPage'),
});

/** Every page under this one needs a signed-in person; others go to sign-in and come back after. */
const signedInRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: 'signed-in',
  beforeLoad: ({ location }) => {
    if (!isSignedIn()) {
      throw redirect({
        to: '/sign-in',
        search: location.href === '/' ? {} : { redirect: location.href },
        replace: true,
      });
    }
  },
  component: lazyRouteComponent(() => import('../components/layouts/app-layout'), 'AppLayout'),
});

const homeRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/',
  beforeLoad: () => {
    throw redirect({ to: '/courses', replace: true });
  },
});

const coursesRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/courses',
  loader: ({ context }) => {
    // Start fetching while the page's code loads; the page shows its own loading and error states.
    void context.queryClient.prefetchInfiniteQuery(listCoursesQueryOptions());
  },
  component: lazyRouteComponent(() => import('./routes/courses'), 'CoursesPage'),
});

const routeTree = rootRoute.addChildren([signInRoute, signedInRoute.addChildren([homeRoute, coursesRoute])]);

export function createAppRouter(queryClient: QueryClient) {
  return createRouter({
    routeTree,
    context: { queryClient },
    defaultPreload: 'intent',
    defaultErrorComponent: ErrorPage,
    scrollRestoration: true,
  });
}

export type AppRouter = ReturnType<typeof createAppRouter>;

declare module '@tanstack/react-router' {
  interface Register {
    router: AppRouter;
  }
}
