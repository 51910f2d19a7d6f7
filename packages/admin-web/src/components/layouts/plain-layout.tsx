import type { ReactNode } from 'react';
import { SkipLink } from './skip-link';

/** For pages seen before signing in (and the not-found page): the name, and the content. */
export function PlainLayout({ children, narrow = false }: { children: ReactNode; narrow?: boolean }) {
  return (
    <div className="page">
      <SkipLink />
      <header className="site-header">
        <div className="site-header__inner container">
          <span className="site-header__brand">Harbour</span>
        </div>
      </header>
      <main id="main-content" className={`main container${narrow ? ' container--narrow' : ''}`} tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
