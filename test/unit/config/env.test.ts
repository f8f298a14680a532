import { expect } from 'chai';

import { ConfigError, describeUrl, parseEnv } from '../../../src/config/env';

describe('configuration', () => {
  it('has working defaults for a local machine', () => {
    const config = parseEnv({});
    expect(config).to.include({
      databaseSchema: 'datakluis',
      port: 8080,
      amqpNamespace: '',
      maxAttempts: 5,
    });
    expect(config.amqpUrl).to.equal('amqp://guest:guest@127.0.0.1:5672');
  });

  it('sends no e-mail unless SMTP_URL is set, and checks the mail settings', () => {
    expect(parseEnv({})).to.include({
      smtpUrl: '',
      mailFrom: 'Datakluis <no-reply@datakluis.local>',
      mailRetryBaseMs: 30000,
      mailMaxAttempts: 10,
      mailSendingLeaseMs: 600000,
    });
    expect(parseEnv({ SMTP_URL: 'smtp://u:p@mail.example.nl:587' }).smtpUrl).to.equal(
      'smtp://u:p@mail.example.nl:587',
    );
    try {
      parseEnv({
        SMTP_URL: 'http://mail.example.nl',
        MAIL_FROM: 'two@example.nl, addresses@example.nl',
        MAIL_SENDING_LEASE_MS: '5',
      });
      expect.fail('should have thrown');
    } catch (error) {
      expect((error as ConfigError).problems).to.have.length(3);
    }
  });

  it('lists every problem at once', () => {
    try {
      parseEnv({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        DATABASE_SCHEMA: 'Drop Table',
        CONSUMER_PREFETCH: '50',
        DATABASE_POOL_SIZE: '10',
      });
      expect.fail('should have thrown');
    } catch (error) {
      expect(error).to.be.instanceOf(ConfigError);
      expect((error as ConfigError).problems).to.have.length(4);
    }
  });

  it('runs the nightly processing at 02:00 by default, and checks NIGHTLY_AT and NIGHTLY_ENABLED', () => {
    expect(parseEnv({})).to.include({ nightlyAt: '02:00', nightlyEnabled: true });
    expect(parseEnv({ NIGHTLY_AT: '23:45', NIGHTLY_ENABLED: 'false' })).to.include({
      nightlyAt: '23:45',
      nightlyEnabled: false,
    });
    try {
      parseEnv({ NIGHTLY_AT: '24:00', NIGHTLY_ENABLED: 'yes' });
      expect.fail('should have thrown');
    } catch (error) {
      expect((error as ConfigError).problems).to.have.length(2);
    }
  });

  it('stores dead letters and keeps their payloads 30 days by default, and checks both settings', () => {
    expect(parseEnv({})).to.include({ deadLetterStore: true, deadLetterRetentionDays: 30 });
    expect(parseEnv({ DEAD_LETTER_STORE: 'false', DEAD_LETTER_RETENTION_DAYS: '7' })).to.include({
      deadLetterStore: false,
      deadLetterRetentionDays: 7,
    });
    try {
      parseEnv({ DEAD_LETTER_STORE: 'yes', DEAD_LETTER_RETENTION_DAYS: '0' });
      expect.fail('should have thrown');
    } catch (error) {
      expect((error as ConfigError).problems).to.have.length(2);
    }
  });

  it('never shows a password when it says where it looked', () => {
    expect(describeUrl('postgresql://app:s3cret@db:5432/x')).to.equal(
      'postgresql://app:***@db:5432/x',
    );
  });
});
