import { describe, expect, it } from 'vitest';
import { safeRedirect } from './safe-redirect';

describe('safeRedirect', () => {
  it('goes back to a page of this site', () => {
    expect(safeRedirect('/courses?cursor=abc')).toBe('/courses?cursor=abc');
  });

  it('refuses anywhere else, and sign-in itself', () => {
    for (const target of ['https://evil.example/', '//evil.example', '/\\evil.example', 'courses', '/sign-in', '/sign-in?redirect=/x', undefined, 42]) {
      expect(safeRedirect(target)).toBe('/dashboard');
    }
  });

  it('lands on the dashboard when no page was asked for', () => {
    expect(safeRedirect(undefined)).toBe('/dashboard');
    expect(safeRedirect(undefined, '/account/security')).toBe('/account/security');
  });
});
