/**
 * Where to go after signing in. Only a path on this site is accepted, so a crafted link cannot
 * send someone elsewhere after they have typed their password.
 */
export function safeRedirect(target: unknown, fallback = '/dashboard'): string {
  if (typeof target !== 'string' || !target.startsWith('/') || target.startsWith('//') || target.includes('\\')) {
    return fallback;
  }
  if (target === '/sign-in' || target.startsWith('/sign-in?') || target.startsWith('/sign-in/')) return fallback;
  return target;
}
