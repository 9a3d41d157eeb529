import type { Transporter } from 'nodemailer';

/** Email through SMTP (nodemailer), built once from SMTP_URL; absent when SMTP is not configured. */
export interface Mail {
  to: string;
  subject: string;
  text: string;
  unsubscribeUrl: string;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
  close(): void;
}

export function createMailer(smtpUrl: string | undefined, from: string): Mailer | null {
  if (!smtpUrl) return null;
  // nodemailer (0.4 MB) is loaded with the first email, not at every start-up.
  let transport: Promise<Transporter> | undefined;
  const open = () => (transport ??= import('nodemailer').then(({ default: nodemailer }) => nodemailer.createTransport(smtpUrl)));
  return {
    async send(m) {
      await (
        await open()
      ).sendMail({
        from,
        to: m.to,
        subject: m.subject,
        text: m.text,
        // RFC 2369: mail clients show their own "unsubscribe" button for this link.
        headers: { 'List-Unsubscribe': `<${m.unsubscribeUrl}>` },
      });
    },
    close: () => void transport?.then((t) => t.close()),
  };
}
