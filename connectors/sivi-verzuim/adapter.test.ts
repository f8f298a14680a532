// SIVI-specific cases beyond the fixtures (those are checked by the conformance test).
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { expect } from 'chai';

import type { InboundMessage } from '../../src/connector-sdk';
import { siviVerzuimAdapter } from './adapter';

const sample = readFileSync(path.join(__dirname, 'fixtures/01-new-sick-report.input.xml'), 'utf8');

function message(body: string): InboundMessage {
  return {
    connectorId: 'sivi-verzuim',
    employerId: 'zonnebloem',
    receivedAt: '2026-12-03T12:00:00Z',
    contentType: 'application/xml',
    body,
    headers: {},
  };
}

describe('sivi-verzuim adapter', () => {
  it('refuses a processing code that only exists as a JavaScript object property', () => {
    for (const code of ['constructor', 'toString', '__proto__']) {
      const result = siviVerzuimAdapter.translate(
        message(sample.replace('<VrwrkCd>01</VrwrkCd>', `<VrwrkCd>${code}</VrwrkCd>`)),
      );
      expect(result.outcome, code).to.equal('rejected');
      if (result.outcome === 'rejected') expect(result.reason).to.equal('UNKNOWN_CODE');
    }
  });

  it('refuses an unknown J/N value for the safety net instead of guessing', () => {
    const result = siviVerzuimAdapter.translate(
      message(sample.replace('<VngntJN>N</VngntJN>', '<VngntJN>constructor</VngntJN>')),
    );
    expect(result.outcome).to.equal('rejected');
    if (result.outcome === 'rejected')
      expect(result.issues.map((i) => i.reason)).to.deep.equal(['UNKNOWN_CODE']);
  });

  it('drops free text (VrTkst) and says where, without the text', () => {
    const withText = sample.replace(
      '<VngntJN>N</VngntJN>',
      '<VngntJN>N</VngntJN><VrTkst>griep en koorts</VrTkst>',
    );
    const result = siviVerzuimAdapter.translate(message(withText));
    expect(JSON.stringify(result)).not.to.contain('griep');
    expect(result.outcome).to.equal('translated');
    if (result.outcome === 'translated')
      expect(result.warnings.map((w) => w.code)).to.include('FREE_TEXT_DROPPED');
  });

  it('yields events for every employee and case in a message with several', () => {
    const vrzm = /<Vrzm>[\s\S]*<\/Vrzm>/.exec(sample)![0];
    const second = vrzm
      .replace('VZ-1042-20261116', 'VZ-1042-20261201')
      .replace(/<VrzmgvlVnrMld>1</, '<VrzmgvlVnrMld>1<');
    const result = siviVerzuimAdapter.translate(message(sample.replace(vrzm, `${vrzm}${second}`)));
    expect(result.outcome).to.equal('translated');
    if (result.outcome === 'translated')
      expect(result.events.map((e) => e.subject)).to.deep.equal([
        'VZ-1042-20261116',
        'VZ-1042-20261201',
        '1042',
      ]);
  });

  it('refuses another SIVI message type and an unknown edition', () => {
    const other = siviVerzuimAdapter.translate(
      message(
        sample
          .replace('<BrCd>00100</BrCd>', '<BrCd>99999</BrCd>')
          .replace('<VnrBrCd>00010</VnrBrCd>', '<VnrBrCd>00099</VnrBrCd>'),
      ),
    );
    expect(other.outcome === 'rejected' && other.issues.map((i) => i.reason)).to.deep.equal([
      'UNSUPPORTED_VERSION',
      'UNSUPPORTED_VERSION',
    ]);
  });

  it('answers not-XML and another root element as malformed', () => {
    expect(siviVerzuimAdapter.translate(message('<Verzuimmeldingen><BrAlg>')).outcome).to.equal(
      'rejected',
    );
    const wrongRoot = siviVerzuimAdapter.translate(message('<Retourmelding1/>'));
    expect(wrongRoot.outcome === 'rejected' && wrongRoot.reason).to.equal('MALFORMED_PAYLOAD');
  });
});

describe('sivi-verzuim adapter: hostile XML is refused as malformed, never a crash', () => {
  const refused = (body: string): string | undefined => {
    const result = siviVerzuimAdapter.translate(message(body));
    return result.outcome === 'rejected' ? result.reason : result.outcome;
  };

  it('refuses a DOCTYPE (external or parameter entities)', () => {
    expect(
      refused(
        `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><Verzuimmeldingen>&e;</Verzuimmeldingen>`,
      ),
    ).to.equal('MALFORMED_PAYLOAD');
    expect(refused(`<!DOCTYPE x [<!ENTITY % p "x">]><Verzuimmeldingen/>`)).to.equal(
      'MALFORMED_PAYLOAD',
    );
  });

  it('refuses very deep nesting and prototype-named elements without throwing', () => {
    const deep = `${'<a>'.repeat(2000)}x${'</a>'.repeat(2000)}`;
    expect(() => refused(`<Verzuimmeldingen>${deep}</Verzuimmeldingen>`)).not.to.throw();
    expect(() =>
      refused(
        '<Verzuimmeldingen><__proto__><x>1</x></__proto__><constructor>2</constructor></Verzuimmeldingen>',
      ),
    ).not.to.throw();
    expect(
      refused('<Verzuimmeldingen><__proto__><x>1</x></__proto__></Verzuimmeldingen>'),
    ).to.be.oneOf(['MALFORMED_PAYLOAD', 'MISSING_FIELD']);
  });

  it('refuses spaces in ids (a sentence does not fit an id field), with the path and without the text', () => {
    const result = siviVerzuimAdapter.translate(
      message(
        sample.replace(
          '<VrzmgvlId>VZ-1042-20261116</VrzmgvlId>',
          '<VrzmgvlId>griep na val</VrzmgvlId>',
        ),
      ),
    );
    expect(
      result.outcome === 'rejected' &&
        result.issues.map((i) => [i.reason, i.path.split('/').pop()]),
    ).to.deep.equal([['INVALID_VALUE', 'VrzmgvlId']]);
    expect(JSON.stringify(result)).not.to.contain('griep');
  });

  it('never lets a control character through into a name', () => {
    const result = siviVerzuimAdapter.translate(
      message(sample.replace('<SignNm>Vries</SignNm>', '<SignNm>Vr\u0001ies</SignNm>')),
    );
    expect(result.outcome).to.equal('rejected');
  });

  it('refuses a message dated far in the future (a typing error would freeze the master data)', () => {
    const result = siviVerzuimAdapter.translate(
      message(sample.replace('<AandatBr>2026-11-16</AandatBr>', '<AandatBr>2062-11-16</AandatBr>')),
    );
    expect(result.outcome === 'rejected' && result.reason).to.equal('INCONSISTENT_PAYLOAD');
  });
});

describe('sivi-verzuim adapter: one employer per message', () => {
  it('refuses a message about two employers (a credential belongs to one)', () => {
    const employer = /<Wrkgvr>[\s\S]*<\/Wrkgvr>/.exec(sample)![0];
    const result = siviVerzuimAdapter.translate(
      message(sample.replace(employer, `${employer}${employer}`)),
    );
    expect(
      result.outcome === 'rejected' && result.issues.map((i) => [i.reason, i.path]),
    ).to.deep.equal([['INCONSISTENT_PAYLOAD', '/Verzuimmeldingen/Wrkgvr/1']]);
  });
});

describe('sivi-verzuim adapter: character references', () => {
  it('decodes numeric references (Zo&#235; is Zoë) and refuses ones XML does not allow', () => {
    const decoded = siviVerzuimAdapter.translate(
      message(sample.replace('<Roepnaam>Jan</Roepnaam>', '<Roepnaam>Zo&#235;</Roepnaam>')),
    );
    expect(
      decoded.outcome === 'translated' &&
        decoded.events.map(
          (e) => (e.data as { employee: { givenName?: string } }).employee.givenName,
        ),
    ).to.include('Zoë');
    for (const ref of ['&#x1;', '&#0;', '&#55296;']) {
      const refused = siviVerzuimAdapter.translate(
        message(sample.replace('<SignNm>Vries</SignNm>', `<SignNm>Vr${ref}ies</SignNm>`)),
      );
      expect(refused.outcome === 'rejected' && refused.reason, ref).to.equal('MALFORMED_PAYLOAD');
    }
  });
});
