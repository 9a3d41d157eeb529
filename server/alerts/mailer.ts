import nodemailer, { type Transporter } from 'nodemailer';

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
  const transport: Transporter = nodemailer.createTransport(smtpUrl);
  return {
    async send(m) {
      await transport.sendMail({
        from,
        to: m.to,
        subject: m.subject,
        text: m.text,
        // RFC 2369: mail clients show their own "unsubscribe" button for this link.
        headers: { 'List-Unsubscribe': `<${m.unsubscribeUrl}>` },
      });
    },
    close: () => transport.close(),
  };
}
