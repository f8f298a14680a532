// Runs an adapter safely: catches what it throws (a bug), and checks every event it emits against
// the canonical schema and the connector's contract (its own source, the sender's employer, an event
// type its manifest declares). What leaves here is safe to publish.
import type { CanonicalEvent } from '../canonical/generated/canonical-event';
import { validateCanonicalEvent } from '../canonical/validate-canonical';
import type { AdapterRejectionReason } from '../connector-sdk/reasons';
import type { AdapterIssue, AdapterWarning, InboundMessage } from '../connector-sdk/types';
import type { RegisteredConnector } from './registry';

/** Rejections that only the runtime produces: they mean a connector has a bug. */
export type RuntimeRejectionReason =
  'ADAPTER_CRASHED' | 'CANONICAL_SCHEMA_VIOLATION' | 'ADAPTER_CONTRACT_VIOLATION';

export const RUNTIME_REJECTION_REASONS: readonly RuntimeRejectionReason[] = [
  'ADAPTER_CRASHED',
  'CANONICAL_SCHEMA_VIOLATION',
  'ADAPTER_CONTRACT_VIOLATION',
];

export interface RuntimeIssue {
  reason: RuntimeRejectionReason;
  path: string;
  message: string;
}

export type RunResult =
  | { outcome: 'translated'; events: CanonicalEvent[]; warnings: AdapterWarning[] }
  | { outcome: 'ignored'; reason: string; warnings: AdapterWarning[] }
  | { outcome: 'rejected'; reason: AdapterRejectionReason; issues: AdapterIssue[] }
  | { outcome: 'failed'; reason: RuntimeRejectionReason; issues: RuntimeIssue[] };

function contractIssues(
  connector: RegisteredConnector,
  message: InboundMessage,
  event: CanonicalEvent,
  index: number,
): RuntimeIssue[] {
  const issues: RuntimeIssue[] = [];
  const path = `/events/${index}`;
  if (event.source !== `/connectors/${connector.id}`)
    issues.push({
      reason: 'ADAPTER_CONTRACT_VIOLATION',
      path: `${path}/source`,
      message: 'source must name this connector',
    });
  if (event.employerid !== message.employerId)
    issues.push({
      reason: 'ADAPTER_CONTRACT_VIOLATION',
      path: `${path}/employerid`,
      message: "events may only concern the sender's employer",
    });
  if (!(connector.manifest.eventTypes as readonly string[]).includes(event.type)) {
    issues.push({
      reason: 'ADAPTER_CONTRACT_VIOLATION',
      path: `${path}/type`,
      message: 'event type not declared in the manifest',
    });
  }
  return issues;
}

export function runTranslate(connector: RegisteredConnector, message: InboundMessage): RunResult {
  let result;
  try {
    result = connector.adapter.translate(message);
  } catch {
    return {
      outcome: 'failed',
      reason: 'ADAPTER_CRASHED',
      issues: [
        { reason: 'ADAPTER_CRASHED', path: '/', message: 'the connector failed on this message' },
      ],
    };
  }
  if (result.outcome !== 'translated') return result;
  const issues: RuntimeIssue[] = [];
  result.events.forEach((event, index) => {
    const validation = validateCanonicalEvent(event);
    if (!validation.ok) {
      for (const issue of validation.issues)
        issues.push({
          reason: 'CANONICAL_SCHEMA_VIOLATION',
          path: `/events/${index}${issue.path === '/' ? '' : issue.path}`,
          message: issue.message,
        });
    } else {
      issues.push(...contractIssues(connector, message, event, index));
    }
  });
  const [first] = issues;
  if (first !== undefined) return { outcome: 'failed', reason: first.reason, issues };
  return result;
}
