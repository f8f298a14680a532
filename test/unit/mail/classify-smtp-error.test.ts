import { expect } from 'chai';

import {
  classifySmtpError,
  describeSmtpError,
  retryDelayMs,
} from '../../../src/mail/classify-smtp-error';

/** An error shaped as nodemailer's SMTPConnection reports it. */
function smtpError(fields: Record<string, unknown>, message = 'failed'): Error {
  return Object.assign(new Error(message), fields);
}

describe('SMTP error classification', () => {
  const before = (fields: Record<string, unknown>) =>
    classifySmtpError(smtpError(fields), false).outcome;
  const after = (fields: Record<string, unknown>) =>
    classifySmtpError(smtpError(fields), true).outcome;

  it('retries what failed before the content went out: connection, greeting, TLS, login, 4xx', () => {
    expect(before({ code: 'ESOCKET', command: 'CONN', originalCode: 'ECONNREFUSED' })).to.equal(
      'retry',
    );
    expect(
      before({ code: 'ETIMEDOUT', command: 'CONN', timeoutType: 'GREETING_TIMEOUT' }),
    ).to.equal('retry');
    expect(before({ code: 'ECONNECTION', command: 'CONN' })).to.equal('retry');
    expect(before({ code: 'EDNS', command: 'CONN' })).to.equal('retry');
    expect(before({ code: 'ETLS', command: 'STARTTLS', responseCode: 454 })).to.equal('retry');
    expect(before({ code: 'EPROTOCOL', command: 'CONN', responseCode: 554 })).to.equal('retry');
    expect(before({ code: 'EAUTH', command: 'AUTH PLAIN', responseCode: 535 })).to.equal('retry');
    expect(before({ code: 'EENVELOPE', command: 'RCPT TO', responseCode: 450 })).to.equal('retry');
    expect(before({ code: 'EENVELOPE', command: 'MAIL FROM', responseCode: 451 })).to.equal(
      'retry',
    );
    expect(before({ code: 'EENVELOPE', command: 'DATA', responseCode: 421 })).to.equal('retry');
    // 503 is a bad command sequence: the session's fault, not the message's.
    expect(before({ code: 'EENVELOPE', command: 'RCPT TO', responseCode: 503 })).to.equal('retry');
  });

  it('fails for good what the server refused permanently, or nodemailer cannot send at all', () => {
    expect(before({ code: 'EENVELOPE', command: 'RCPT TO', responseCode: 550 })).to.equal('failed');
    expect(before({ code: 'EENVELOPE', command: 'MAIL FROM', responseCode: 553 })).to.equal(
      'failed',
    );
    expect(before({ code: 'EENVELOPE', command: 'DATA', responseCode: 554 })).to.equal('failed');
    expect(before({ code: 'EENVELOPE', command: 'API' })).to.equal('failed');
    expect(before({ code: 'EMESSAGE', command: 'MAIL FROM' })).to.equal('failed');
  });

  it('after the content went out, only the answer to it says no; anything else is uncertain', () => {
    expect(after({ code: 'EMESSAGE', command: 'DATA', responseCode: 451 })).to.equal('retry');
    expect(after({ code: 'EMESSAGE', command: 'DATA', responseCode: 552 })).to.equal('failed');
    expect(after({ code: 'ECONNECTION', command: 'CONN', responseCode: 421 })).to.equal('retry');
    expect(after({ code: 'ECONNECTION', command: 'CONN' })).to.equal('uncertain');
    expect(after({ code: 'ETIMEDOUT', command: 'CONN', timeoutType: 'SOCKET_TIMEOUT' })).to.equal(
      'uncertain',
    );
    expect(after({ code: 'ESOCKET', command: 'CONN', originalCode: 'ECONNRESET' })).to.equal(
      'uncertain',
    );
    expect(after({ code: 'ETIMEDOUT', timeoutType: 'SEND_TIME_LIMIT' })).to.equal('uncertain');
    expect(classifySmtpError('not even an error', true).outcome).to.equal('uncertain');
    expect(classifySmtpError(undefined, false).outcome).to.equal('retry');
  });

  it('describes an error by its codes only, never by what the server or nodemailer wrote', () => {
    const error = smtpError(
      {
        code: 'EENVELOPE',
        command: 'RCPT TO',
        responseCode: 550,
        response: '550 5.1.1 <jan.jansen@example.nl>: mailbox unavailable',
        recipient: 'jan.jansen@example.nl',
      },
      "Can't send mail - all recipients were rejected: 550 <jan.jansen@example.nl>",
    );
    const reason = describeSmtpError(error, false);
    expect(reason).to.equal('EENVELOPE RCPT TO 550 (before the content)');
    expect(classifySmtpError(error, false).reason).to.equal(reason);
    expect(
      describeSmtpError(smtpError({ code: 'evil\r\n<x@y.nl>', command: 'x@y.nl' }), true),
    ).to.equal('Error (after the content)');
    expect(
      describeSmtpError(smtpError({ code: 'ESOCKET', originalCode: 'ECONNREFUSED' }), false),
    ).to.equal('ESOCKET ECONNREFUSED (before the content)');
  });
});

describe('mail retry back-off', () => {
  it('doubles from the base per attempt, with jitter between half and all of it', () => {
    expect(retryDelayMs(1, 30_000, () => 1)).to.equal(30_000);
    expect(retryDelayMs(1, 30_000, () => 0)).to.equal(15_000);
    expect(retryDelayMs(2, 30_000, () => 1)).to.equal(60_000);
    expect(retryDelayMs(4, 30_000, () => 0.5)).to.equal(180_000);
  });

  it('never waits more than an hour, however many attempts', () => {
    expect(retryDelayMs(8, 30_000, () => 1)).to.equal(3_600_000);
    expect(retryDelayMs(1000, 30_000, () => 1)).to.equal(3_600_000);
    expect(retryDelayMs(1000, 30_000, () => 0)).to.equal(1_800_000);
  });
});
