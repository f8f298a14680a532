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

  it('never shows a password when it says where it looked', () => {
    expect(describeUrl('postgresql://app:s3cret@db:5432/x')).to.equal(
      'postgresql://app:***@db:5432/x',
    );
  });
});
