import { expect } from 'chai';

import type { CanonicalEvent } from '../../../src/canonical/generated/canonical-event';
import {
  personalDataPaths,
  redactPersonalData,
  REDACTED,
} from '../../../src/canonical/personal-data';
import { validateCanonicalEvent } from '../../../src/canonical/validate-canonical';

function reported(): Record<string, unknown> {
  return {
    specversion: '1.0',
    id: '1b4e28ba-2fa1-51d2-883f-0016d3cca427',
    source: '/connectors/sivi-verzuim',
    type: 'nl.datakluis.absence.reported',
    time: '2026-11-16T08:12:31+01:00',
    subject: 'VZ-1042-20261116',
    dataschema: 'https://schemas.datakluis.nl/canonical/absence-event/v1',
    datacontenttype: 'application/json',
    employerid: 'zonnebloem',
    data: {
      employee: { externalId: '1042' },
      case: { caseId: 'VZ-1042-20261116', sequence: 1 },
      absence: { startDate: '2026-11-16', incapacity: [{ from: '2026-11-16', percentage: 100 }] },
    },
  };
}

function withAbsence(change: (absence: Record<string, unknown>) => void): Record<string, unknown> {
  const event = reported();
  change((event.data as { absence: Record<string, unknown> }).absence);
  return event;
}

describe('canonical event schema v1', () => {
  it('accepts a complete sick report', () => {
    expect(validateCanonicalEvent(reported())).to.deep.include({ ok: true });
  });

  it('refuses a diagnosis, naming the field but not its value', () => {
    const result = validateCanonicalEvent(withAbsence((a) => (a.diagnosis = 'griep')));
    expect(result.ok).to.equal(false);
    if (result.ok) return;
    expect(result.issues).to.deep.include({
      path: '/data/absence/diagnosis',
      rule: 'additionalProperties',
      message: 'must NOT have additional properties',
    });
    expect(JSON.stringify(result.issues)).not.to.contain('griep');
  });

  it('refuses free text anywhere, also on the envelope', () => {
    const event = reported();
    event.note = 'belde zelf';
    expect(validateCanonicalEvent(event).ok).to.equal(false);
  });

  it('refuses 101 % and a negative percentage, accepts 50.5 %', () => {
    expect(
      validateCanonicalEvent(
        withAbsence((a) => (a.incapacity = [{ from: '2026-11-16', percentage: 101 }])),
      ).ok,
    ).to.equal(false);
    expect(
      validateCanonicalEvent(
        withAbsence((a) => (a.incapacity = [{ from: '2026-11-16', percentage: -1 }])),
      ).ok,
    ).to.equal(false);
    expect(
      validateCanonicalEvent(
        withAbsence((a) => (a.incapacity = [{ from: '2026-11-16', percentage: 50.5 }])),
      ).ok,
    ).to.equal(true);
    expect(
      validateCanonicalEvent(
        withAbsence((a) => (a.incapacity = [{ from: '2026-11-16', percentage: 50.555 }])),
      ).ok,
    ).to.equal(false);
  });

  it('refuses an impossible date and a time without offset', () => {
    expect(validateCanonicalEvent(withAbsence((a) => (a.startDate = '2026-02-30'))).ok).to.equal(
      false,
    );
    const local = reported();
    local.time = '2026-11-16T08:12:31';
    expect(validateCanonicalEvent(local).ok).to.equal(false);
  });

  it('requires the facts each type needs', () => {
    const report = withAbsence((a) => delete a.startDate);
    expect(validateCanonicalEvent(report).ok).to.equal(false);
    const recovery = reported();
    recovery.type = 'nl.datakluis.absence.recovered';
    expect(validateCanonicalEvent(recovery).ok).to.equal(false);
    (recovery.data as { absence: Record<string, unknown> }).absence.recoveryDate = '2026-12-02';
    expect(validateCanonicalEvent(recovery).ok).to.equal(true);
  });

  it('refuses an unknown event type', () => {
    const event = reported();
    event.type = 'nl.datakluis.absence.diagnosed';
    expect(validateCanonicalEvent(event).ok).to.equal(false);
  });

  it('marks who a person is, and redaction hides exactly that', () => {
    expect(personalDataPaths()).to.include.members([
      '/subject',
      '/data/employee/externalId',
      '/data/employee/bsn',
      '/data/employee/familyName',
      '/data/employee/birthDate',
      '/data/employee/email',
    ]);
    const upsert = {
      ...reported(),
      type: 'nl.datakluis.employee.upserted',
      subject: '1042',
      data: {
        employee: {
          externalId: '1042',
          bsn: '104332189',
          familyName: 'Vries',
          email: 'jan@example.nl',
        },
      },
    } as unknown as CanonicalEvent;
    const redacted = redactPersonalData(upsert);
    expect(redacted.data).to.deep.equal({
      employee: { externalId: REDACTED, bsn: REDACTED, familyName: REDACTED, email: REDACTED },
    });
    expect(redacted.subject).to.equal(REDACTED);
    expect(redacted.employerid).to.equal('zonnebloem');
    expect((upsert.data as { employee: { bsn: string } }).employee.bsn).to.equal('104332189');
  });
});
