import type { ConnectorAdapter } from './types';

/**
 * Declares a connector's adapter. An identity function that exists for type inference and as the
 * one searchable entry point of every connector.
 * @example export const myAdapter = defineConnector({ id: 'my-hr', translate: (message) => ... });
 */
export function defineConnector<T extends ConnectorAdapter>(adapter: T): T {
  return adapter;
}
