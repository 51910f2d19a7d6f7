// The SMTP side of e-mail: nodemailer over SMTP_URL. Without SMTP_URL there is no mailer and the
// outbox holds e-mails for admins instead of sending them.
import nodemailer from 'nodemailer';
import type { Config } from '../../config';
import type { RenderedEmail } from './templates';

export interface OutgoingEmail extends RenderedEmail {
  /** The outbox message id: also the Message-ID, so a resend after a crash is recognisably the same e-mail. */
  id: string;
  to: string;
}

export interface Mailer {
  send(email: OutgoingEmail): Promise<void>;
  close(): void;
}

export function createMailer(config: Pick<Config, 'SMTP_URL' | 'MAIL_FROM'>): Mailer | null {
  if (!config.SMTP_URL) return null;
  const transport = nodemailer.createTransport({
    // Host, port, TLS and credentials (and any ?options) come from the URL.
    url: config.SMTP_URL,
    // A slow mail server must not hold the worker's claim for long.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  return {
    async send(email) {
      const domain = /@([^>\s]+)>?\s*$/.exec(config.MAIL_FROM)?.[1] ?? 'harbour.invalid';
      await transport.sendMail({
        from: config.MAIL_FROM,
        to: email.to,
        subject: email.subject,
        text: email.text,
        html: email.html,
        messageId: `<${email.id}@${domain}>`,
      });
    },
    close() {
      transport.close();
    },
  };
}
