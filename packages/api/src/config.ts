import { z } from 'zod';

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .optional()
    .transform((v) => (v === undefined ? fallback : v === 'true' || v === '1' || v === 'yes'));

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const isAes256Key = (v: string) => /^[A-Za-z0-9+/_-]+={0,2}$/.test(v) && Buffer.from(v, 'base64').length === 32;

const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_URL: z.url().optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  DATA_DIR: z.string().min(1).default('./.data'),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(900).default(900),
  REFRESH_IDLE_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
  REFRESH_ABSOLUTE_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(12),
  COOKIE_SECURE: bool(false),
  ADMIN_EMAIL: z.email().optional(),
  ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').max(128).optional(),
  MFA_REQUIRED: bool(true),
  SEED_DEMO: bool(true),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  /**
   * Which proxies in front may say who the client is (X-Forwarded-For): a number of hops (1 for one
   * load balancer), or their addresses / CIDR ranges, comma-separated. `true` trusts every hop, so a
   * client could name any address it likes (and slip past sign-in throttling): only behind a proxy that
   * overwrites the header. Default: none.
   */
  TRUST_PROXY: z
    .string()
    .optional()
    .transform((v, ctx): boolean | number | string[] => {
      const value = (v ?? '').trim();
      if (value === '' || value === 'false' || value === 'no' || value === '0') return false;
      if (value === 'true' || value === 'yes') return true;
      if (/^\d+$/.test(value)) return Number(value);
      const list = value.split(',').map((s) => s.trim()).filter(Boolean);
      if (list.every((s) => /^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(s) || ['loopback', 'linklocal', 'uniquelocal'].includes(s))) return list;
      ctx.addIssue({ code: 'custom', message: 'Use a number of hops (e.g. 1), addresses or CIDR ranges separated by commas, true or false.' });
      return z.NEVER;
    }),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(50 * 1024 * 1024).default(1024 * 1024),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  /** Requests per minute per partner API key, across all routes (429 with Retry-After beyond). */
  PARTNER_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(120),
  LOGIN_MAX_FAILURES_PER_MINUTE: z.coerce.number().int().min(1).default(5),
  CONSOLE_DIR: z.string().optional(),
  JOBS_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  /** Encryption at rest (lib/encryption.ts): 32 random bytes, base64. Without it, one is generated into DATA_DIR/secrets/data-key. */
  DATA_ENCRYPTION_KEY: z
    .string()
    .refine((v) => isAes256Key(v), 'must be 32 random bytes in base64 (e.g. `openssl rand -base64 32`)')
    .optional(),
  /** The current key's id, written into every ciphertext; default: derived from the key's SHA-256. */
  DATA_ENCRYPTION_KEY_ID: z.string().regex(KEY_ID, 'must be 1-32 letters, digits, "_" or "-"').optional(),
  /** Earlier keys, still needed to read data until `pnpm --filter @harbour/api rotate-key` has run: "id:base64,id:base64". */
  DATA_ENCRYPTION_OLD_KEYS: z
    .string()
    .default('')
    .transform((v, ctx) => {
      const keys: { id: string; key: string }[] = [];
      for (const entry of v.split(',').map((s) => s.trim()).filter(Boolean)) {
        const at = entry.indexOf(':');
        const id = entry.slice(0, at);
        const key = entry.slice(at + 1);
        if (at < 1 || !KEY_ID.test(id) || !isAes256Key(key)) {
          ctx.addIssue({ code: 'custom', message: 'must be comma-separated "id:base64-key" pairs (32-byte keys)' });
          return z.NEVER;
        }
        keys.push({ id, key });
      }
      return keys;
    }),
  /** Participants are erased this many months after their last cohort ended (daily retention job). */
  RETENTION_MONTHS: z.coerce.number().int().min(1).max(1200).default(24),
  /** Resolved safeguarding concerns are kept this many months after resolution, then deleted. */
  SAFEGUARDING_RETENTION_MONTHS: z.coerce.number().int().min(1).max(1200).default(72),
  /** smtp:// or smtps:// URL (user:password@host:port); without it e-mails are held in the outbox for admins. */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .optional(),
  MAIL_FROM: z.string().min(3).default('Harbour <no-reply@harbour.invalid>'),
  /** Local testing only: lets webhook URLs be http:// on loopback and resolve to private addresses. */
  WEBHOOK_ALLOW_PRIVATE: bool(false),
  OUTBOX_POLL_MS: z.coerce.number().int().min(100).max(600_000).default(2000),
  /** Embedded PGlite only (it has no autovacuum): how often tables that changed are analysed and vacuumed. */
  PGLITE_MAINTENANCE_SECONDS: z.coerce.number().int().min(1).max(3600).default(15),
  /**
   * Load shedding (@fastify/under-pressure): past any of these limits requests get 503
   * SERVICE_UNAVAILABLE with Retry-After instead of queueing until the process falls over
   * (GET /health keeps answering). 0 turns a limit off.
   */
  UNDER_PRESSURE_MAX_EVENT_LOOP_DELAY_MS: z.coerce.number().int().min(0).default(1000),
  UNDER_PRESSURE_MAX_HEAP_BYTES: z.coerce.number().int().min(0).default(0),
  UNDER_PRESSURE_MAX_RSS_BYTES: z.coerce.number().int().min(0).default(0),
  /** Event loop utilisation (0–1) past which requests are refused; 0 is off. */
  UNDER_PRESSURE_MAX_EVENT_LOOP_UTILIZATION: z.coerce.number().min(0).max(1).default(0),
  /** How often the limits above are measured. */
  UNDER_PRESSURE_SAMPLE_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
  UNDER_PRESSURE_RETRY_AFTER_SECONDS: z.coerce.number().int().min(1).max(3600).default(10),
  /**
   * How long a signed-in user's account state (roles, disabled, session generation) may be kept between
   * requests instead of read again. Any change to a user, made by any instance or tool, is announced by
   * the database when it commits and forgotten at once (plugins/user-cache.ts); this only bounds an
   * entry's life. 0 reads it on every request.
   */
  AUTH_USER_CACHE_MS: z.coerce.number().int().min(0).max(600_000).default(60_000),
});

export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** The only reader of the environment. Everything else receives a Config. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = ConfigSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`));
  }
  return parsed.data;
}

/** Config for tests and tools: defaults plus overrides, no environment. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  // No load shedding unless a test asks for it: a busy test machine must not turn answers into 503s.
  return { ...loadConfig({}), MFA_REQUIRED: false, SEED_DEMO: false, LOG_LEVEL: 'silent', UNDER_PRESSURE_MAX_EVENT_LOOP_DELAY_MS: 0, ...overrides };
}
