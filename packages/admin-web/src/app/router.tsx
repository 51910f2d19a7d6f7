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
import { validateCohortsSearch } from '../features/cohorts/cohort-search';
import { safeRedirect } from '../lib/safe-redirect';
import { getSession, isSignedIn } from '../lib/session';
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
    // With MFA required and not yet set up, the API refuses everything else (403 MFA_SETUP_REQUIRED).
    const session = getSession();
    if (session.status === 'signed-in' && session.mfaSetupRequired && location.pathname !== '/account/security') {
      throw redirect({
        to: '/account/security',
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
    throw redirect({ to: '/dashboard', replace: true });
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

const newCourseRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/courses/new',
  component: lazyRouteComponent(() => import('./routes/course-new'), 'NewCoursePage'),
});

const courseRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/courses/$courseId',
  component: lazyRouteComponent(() => import('./routes/course-detail'), 'CoursePage'),
});

const editCourseRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/courses/$courseId/edit',
  component: lazyRouteComponent(() => import('./routes/course-edit'), 'EditCoursePage'),
});

const courseWordingRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/courses/$courseId/wording',
  component: lazyRouteComponent(() => import('./routes/course-wording'), 'CourseWordingPage'),
});

// ---- Participants, declarations and reviews ----

declare module '@tanstack/react-router' {
  interface HistoryState {
    /** The participant search's text: in the tab's history (back and forward bring it back), never in the address. */
    participantSearch?: string;
  }
}

const participantsRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/participants',
  // A referral whose person to look for (its id only: names and addresses stay out of the address bar).
  validateSearch: (search: Record<string, unknown>): { referralId?: string } =>
    typeof search.referralId === 'string' && search.referralId ? { referralId: search.referralId } : {},
  component: lazyRouteComponent(() => import('./routes/participants'), 'ParticipantsPage'),
});

const newParticipantRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/participants/new',
  // A referral to fill the form from (its id only: names and addresses stay out of the address bar).
  validateSearch: (search: Record<string, unknown>): { referralId?: string } =>
    typeof search.referralId === 'string' && search.referralId ? { referralId: search.referralId } : {},
  component: lazyRouteComponent(() => import('./routes/participant-new'), 'NewParticipantPage'),
});

interface ParticipantSearch {
  /** 'declare': the declaration form is open; 'edit': the details form is. */
  action?: 'declare' | 'edit';
}

const participantRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/participants/$participantId',
  validateSearch: (search: Record<string, unknown>): ParticipantSearch =>
    search.action === 'declare' || search.action === 'edit' ? { action: search.action } : {},
  component: lazyRouteComponent(() => import('./routes/participant-detail'), 'ParticipantPage'),
});

const reviewsRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/reviews',
  component: lazyRouteComponent(() => import('./routes/reviews'), 'ReviewsPage'),
});

// ---- Dashboard and cohorts ----

const dashboardRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/dashboard',
  component: lazyRouteComponent(() => import('./routes/dashboard'), 'DashboardPage'),
});

const cohortsRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/cohorts',
  validateSearch: validateCohortsSearch,
  component: lazyRouteComponent(() => import('./routes/cohorts'), 'CohortsPage'),
});

const newCohortRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/cohorts/new',
  component: lazyRouteComponent(() => import('./routes/cohort-new'), 'NewCohortPage'),
});

const cohortRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/cohorts/$cohortId',
  component: lazyRouteComponent(() => import('./routes/cohort-detail'), 'CohortPage'),
});

const editCohortRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/cohorts/$cohortId/edit',
  component: lazyRouteComponent(() => import('./routes/cohort-edit'), 'EditCohortPage'),
});

// ---- Account ----

const accountSecurityRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/account/security',
  validateSearch: (search: Record<string, unknown>): SignInSearch =>
    typeof search.redirect === 'string' ? { redirect: search.redirect } : {},
  component: lazyRouteComponent(() => import('./routes/account-security'), 'AccountSecurityPage'),
});

// ---- Referrals and administration ----

const REFERRAL_STATUS_VALUES = ['received', 'contacted', 'enrolled', 'completed', 'declined', 'withdrawn'] as const;
type ReferralStatusValue = (typeof REFERRAL_STATUS_VALUES)[number];

const referralsRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/referrals',
  validateSearch: (search: Record<string, unknown>): { status?: ReferralStatusValue } =>
    REFERRAL_STATUS_VALUES.includes(search.status as ReferralStatusValue) ? { status: search.status as ReferralStatusValue } : {},
  component: lazyRouteComponent(() => import('./routes/referrals'), 'ReferralsPage'),
});

const adminUsersRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/admin/users',
  component: lazyRouteComponent(() => import('./routes/admin-users'), 'AdminUsersPage'),
});

const adminPartnersRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/admin/partners',
  component: lazyRouteComponent(() => import('./routes/admin-partners'), 'AdminPartnersPage'),
});

interface AuditSearch {
  action?: string;
  entityType?: string;
  entityId?: string;
  actorId?: string;
}

const adminAuditRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/admin/audit',
  validateSearch: (search: Record<string, unknown>): AuditSearch =>
    Object.fromEntries(
      (['action', 'entityType', 'entityId', 'actorId'] as const).flatMap((key) =>
        typeof search[key] === 'string' && search[key] ? [[key, search[key]]] : [],
      ),
    ),
  component: lazyRouteComponent(() => import('./routes/admin-audit'), 'AdminAuditPage'),
});

const adminSafeguardingRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/admin/safeguarding',
  validateSearch: (search: Record<string, unknown>): { status?: 'open' | 'resolved' | 'all' } =>
    search.status === 'resolved' || search.status === 'all' ? { status: search.status } : {},
  component: lazyRouteComponent(() => import('./routes/admin-safeguarding'), 'AdminSafeguardingPage'),
});

interface OutboxSearch {
  status?: 'pending' | 'delivered' | 'held' | 'failed' | 'cancelled';
  kind?: 'email' | 'webhook';
}

const adminOutboxRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/admin/outbox',
  validateSearch: (search: Record<string, unknown>): OutboxSearch => ({
    ...(['pending', 'delivered', 'held', 'failed', 'cancelled'].includes(search.status as string)
      ? { status: search.status as OutboxSearch['status'] }
      : {}),
    ...(search.kind === 'email' || search.kind === 'webhook' ? { kind: search.kind } : {}),
  }),
  component: lazyRouteComponent(() => import('./routes/admin-outbox'), 'AdminOutboxPage'),
});

/** The one-time link of a new account (or a reset): open to anyone holding the token. */
const setPasswordRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/set-password',
  validateSearch: (search: Record<string, unknown>): { token?: string } =>
    typeof search.token === 'string' && search.token ? { token: search.token } : {},
  component: lazyRouteComponent(() => import('./routes/account-set-password'), 'SetPasswordPage'),
});

const routeTree = rootRoute.addChildren([signInRoute, setPasswordRoute, signedInRoute.addChildren([homeRoute, coursesRoute, newCourseRoute, courseRoute, editCourseRoute, courseWordingRoute, participantsRoute, newParticipantRoute, participantRoute, reviewsRoute, accountSecurityRoute, referralsRoute, adminUsersRoute, adminPartnersRoute, adminAuditRoute, adminSafeguardingRoute, adminOutboxRoute, dashboardRoute, cohortsRoute, newCohortRoute, cohortRoute, editCohortRoute])]);

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
