// Type-aware linting plus the layer rules of HOUSE-STYLE §5: which module may import which.
import js from '@eslint/js';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const layer = (files, forbidden) => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      { patterns: forbidden.map(([regex, message]) => ({ regex, message })) },
    ],
  },
});

const INFRA_PACKAGES = [
  '^(amqplib|express|winston|pg|axios|@prisma/.*)$',
  'adapters are pure: no I/O libraries',
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'src/generated/**',
      'bin/**',
      'scripts/*.cjs',
      '**/*.cjs',
      'eslint.config.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      'import-x/no-default-export': 'error',
      'max-lines': ['warn', { max: 300, skipBlankLines: true, skipComments: true }],
      'max-lines-per-function': ['warn', { max: 60, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    files: ['prisma.config.ts'],
    rules: { 'import-x/no-default-export': 'off' },
  },
  {
    // The support web page's script runs in the browser as it is (no build step, no types).
    files: ['src/api/support-page/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      sourceType: 'module',
      globals: Object.fromEntries(
        ['window', 'document', 'sessionStorage', 'fetch', 'URLSearchParams', 'Node'].map((name) => [
          name,
          'readonly',
        ]),
      ),
    },
  },
  {
    files: ['test/**/*.ts', 'connectors/**/*.test.ts'],
    rules: {
      'max-lines-per-function': 'off',
      'max-lines': 'off',
      '@typescript-eslint/no-unused-expressions': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  layer(
    ['connectors/**/*.ts'],
    [
      ['src/(?!connector-sdk$)', 'connectors import only the SDK barrel (src/connector-sdk)'],
      INFRA_PACKAGES,
    ],
  ),
  layer(
    ['src/connector-sdk/**/*.ts'],
    [
      [
        '/(connector-runtime|ingress|messaging|vault|db|app|cli|credentials)/',
        'the SDK depends on canonical types only',
      ],
      INFRA_PACKAGES,
    ],
  ),
  layer(
    ['src/canonical/**/*.ts'],
    [
      [
        '/(connector-sdk|connector-runtime|ingress|messaging|vault|db|app|cli|credentials)/',
        'canonical is a leaf',
      ],
    ],
  ),
  layer(
    ['src/connector-runtime/**/*.ts'],
    [
      [
        '/(ingress|messaging|vault|db|app|cli|credentials)/',
        'the runtime runs adapters; it does not publish or store',
      ],
    ],
  ),
  layer(
    ['src/ingress/**/*.ts'],
    [
      [
        '/(vault|db|app|cli)/|generated/prisma',
        'the ingress reaches storage only through interfaces',
      ],
      ['^@prisma/', 'the ingress does not use Prisma'],
    ],
  ),
  layer(
    ['src/messaging/**/*.ts'],
    [
      [
        '/(ingress|vault|db|app|cli|connector-runtime|credentials)/|connectors',
        'messaging knows canonical events, not who made them',
      ],
    ],
  ),
  layer(
    ['src/vault/**/*.ts'],
    [
      [
        '/(ingress|messaging|app|cli|connector-runtime|credentials)/|connectors',
        'the vault knows canonical events and its database only',
      ],
    ],
  ),
  layer(
    ['src/http/**/*.ts'],
    [['/(ingress|api|messaging|vault|db|app|cli|access|mail)/', 'http helpers are a leaf']],
  ),
  layer(
    ['src/access/**/*.ts'],
    [
      [
        '/(ingress|api|messaging|vault|app|cli|mail|connector-runtime)/|connectors',
        'access knows users and tokens only',
      ],
    ],
  ),
  layer(
    ['src/api/**/*.ts'],
    [
      [
        '/(ingress|messaging|db|app|cli|mail|connector-runtime)/|generated/prisma|connectors',
        'the API reaches storage only through the vault and access services',
      ],
      ['^@prisma/', 'the API does not use Prisma'],
    ],
  ),
  layer(
    ['src/support/**/*.ts'],
    [
      [
        '/(ingress|messaging|api|app|cli|connector-runtime)/|connectors',
        'support tooling works on the dead-letter store; messaging and wiring come in from src/app',
      ],
    ],
  ),
  layer(
    ['src/mail/**/*.ts'],
    [
      [
        '/(ingress|messaging|vault|app|cli|connector-runtime)/|connectors',
        'mail knows its outbox and SMTP only',
      ],
    ],
  ),
  layer(
    ['src/shared/**/*.ts', 'src/config/**/*.ts'],
    [['^\\.\\./', 'shared and config are leaves']],
  ),
);
