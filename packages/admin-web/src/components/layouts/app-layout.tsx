import { Link, Outlet, useRouterState } from '@tanstack/react-router';
import { useEffect, useRef } from 'react';
import { useLogout } from '../../features/auth/api/logout';
import { useSession } from '../../lib/session';
import { Button } from '../ui/button';
import { Notice } from '../ui/notice';
import { SkipLink } from './skip-link';

/** The signed-in console: skip link, header with the person's name and "Sign out", navigation. */
export function AppLayout() {
  const session = useSession();
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
          <Link to="/courses" className="site-header__brand">
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
            <li>
              <Link to="/courses" className="site-nav__link" activeProps={{ 'aria-current': 'page' }}>
                Courses
              </Link>
            </li>
          </ul>
        </nav>
      </header>
      <main id="main-content" className="main container" tabIndex={-1} ref={mainRef}>
        {session.status === 'signed-in' && session.mfaSetupRequired ? (
          <Notice tone="warning" title="Two-step verification is needed">
            <p>
              Before you can use Harbour, two-step verification must be set up for your account. Please ask your
              Harbour administrator to help you set it up.
            </p>
          </Notice>
        ) : null}
        <Outlet />
      </main>
    </div>
  );
}
