import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '../styles/tokens.css';
import '../styles/base.css';
import '../styles/layout.css';
import '../styles/components.css';
import { restoreSession } from '../lib/api-client';
import { onSessionEnded } from '../lib/session';
import { AppProviders, createQueryClient } from './providers';
import { createAppRouter } from './router';

// react-aria adds an inline <style> for touch-action on pressable elements, unless an element
// with this id exists; the server's CSP (style-src 'self') would block it, so the rule lives in
// components.css and this marker tells react-aria it is already there.
const pressableStyleMarker = document.createElement('meta');
pressableStyleMarker.id = 'react-aria-pressable-style';
document.head.append(pressableStyleMarker);

const queryClient = createQueryClient();
const router = createAppRouter(queryClient);

// However a session ends, nothing read under it stays in memory, and the person lands on sign-in;
// when it ran out (rather than being ended on purpose) they come back to the page they were on (its
// path only: a search's `q` holds a name or an address, which has no place in the sign-in link).
onSessionEnded((reason) => {
  queryClient.clear();
  const here = router.state.location.pathname;
  void router.navigate({
    to: '/sign-in',
    search: reason === 'expired' && here !== '/' && !here.startsWith('/sign-in') ? { redirect: here } : {},
    replace: true,
  });
});

const container = document.getElementById('root');
if (!container) throw new Error('The page has no #root element');

// A reload loses the in-memory access token; the refresh cookie may still give a new one.
void restoreSession().finally(() => {
  createRoot(container).render(
    <StrictMode>
      <AppProviders queryClient={queryClient} router={router} />
    </StrictMode>,
  );
});
