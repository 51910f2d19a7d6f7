// Links into the console, for e-mails and answers: PUBLIC_URL (with or without its trailing slash)
// and a path of the console.

/** `path` under `base`; null when there is no base (an e-mail then says where to look instead). */
export function consoleLink(base: string | undefined, path: `/${string}`): string | null {
  return base ? `${base.replace(/\/+$/, '')}${path}` : null;
}
