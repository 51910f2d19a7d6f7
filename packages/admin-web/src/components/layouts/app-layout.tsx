import { Link, Outlet, useRouterState } from '@tanstack/react-router';
import { useEffect, useRef } from 'react';
import { can, type Action } from '@harbour/shared';
import { useLogout } from '../../features/auth/api/logout';
import { useSession } from '../../lib/session';
import { Button } from '../ui/button';
import { Notice } from '../ui/notice';
import { Toasts } from '../ui/toast';
import { SkipLink } from './skip-link';

interface NavItem {
  to: string;
  label: string;
  /** Shown only to roles that may do this (the API would refuse the page's data otherwise). */
  action: Action;
}

const MAIN_NAV: NavItem[] = [
  { to: '/dashboard', label: 'Dashboard', action: 'me:read' },
  { to: '/cohorts', label: 'Cohorts', action: 'cohorts:read' },
  { to: '/participants', label: 'Participants', action: 'participants:read' },
  { to: '/reviews', label: 'Reviews', action: 'declarations:review' },
  { to: '/referrals', label: 'Referrals', action: 'referrals:read' },
  { to: '/courses', label: 'Courses', action: 'courses:read' },
  // Everyone: every role may read itself.
  { to: '/account/security', label: 'Account security', action: 'me:read' },
];

const ADMIN_NAV: NavItem[] = [
  { to: '/admin/users', label: 'Staff', action: 'users:manage' },
  { to: '/admin/partners', label: 'Partners', action: 'partners:manage' },
  { to: '/admin/safeguarding', label: 'Safeguarding', action: 'safeguarding:read' },
  { to: '/admin/audit', label: 'Audit', action: 'audit:read' },
  { to: '/admin/outbox', label: 'Outbox', action: 'outbox:read' },
];

function NavLink({ to, label }: NavItem) {
  return (
    // Some of these pages are added by other features; until then `to` is not a known route.
    <Link to={to as '/'} className="site-nav__link" activeProps={{ 'aria-current': 'page' }}>
      {label}
    </Link>
  );
}

/** The signed-in console: skip link, header with the person's name and "Sign out", navigation. */
export function AppLayout() {
  const session = useSession();
  const roles = session.status === 'signed-in' ? session.user.roles : [];
  const adminNav = ADMIN_NAV.filter((item) => can(roles, item.action));
  const logout = useLogout();
  const pathname = useRouterState({ select: (state) => state.location.pathname });
  const mainRef = useRef<HTMLElement>(null);
  const firstRender = useRef(true);

  // After moving to another page, start screen readers and keyboards at its content, as a full
  // page load would.
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    mainRef.current?.focus();
  }, [pathname]);

  return (
    <div className="page">
      <SkipLink />
      <header className="site-header">
        <div className="site-header__inner container">
          <Link to="/dashboard" className="site-header__brand">
            Harbour
          </Link>
          {session.status === 'signed-in' ? (
            <div className="site-header__account">
              <span className="site-header__user">
                <span className="visually-hidden">Signed in as </span>
                {session.user.name}
              </span>
              <Button
                variant="secondary"
                onPress={() => logout.mutate()}
                isPending={logout.isPending}
                pendingLabel="Signing out…"
              >
                Sign out
              </Button>
            </div>
          ) : null}
        </div>
        <nav className="site-nav" aria-label="Main">
          <ul className="site-nav__list container">
            {MAIN_NAV.filter((item) => can(roles, item.action)).map((item) => (
              <li key={item.to}>
                <NavLink {...item} />
              </li>
            ))}
            {adminNav.length > 0 ? (
              <li className="site-nav__group">
                <span className="site-nav__group-label" id="nav-admin">
                  Admin
                </span>
                <ul className="site-nav__sublist" aria-labelledby="nav-admin">
                  {adminNav.map((item) => (
                    <li key={item.to}>
                      <NavLink {...item} />
                    </li>
                  ))}
                </ul>
              </li>
            ) : null}
          </ul>
        </nav>
      </header>
      <main id="main-content" className="main container" tabIndex={-1} ref={mainRef}>
        {session.status === 'signed-in' && session.mfaSetupRequired && pathname !== '/account/security' ? (
          <Notice tone="warning" title="Two-step verification is needed">
            <p>
              Before you can use Harbour, two-step verification must be set up for your account.{' '}
              <Link to="/account/security">Set up two-step verification</Link>
            </p>
          </Notice>
        ) : null}
        <Outlet />
      </main>
      <Toasts />
    </div>
  );
}
