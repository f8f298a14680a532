import { expect } from 'chai';

import { agreementConfirmationMail } from '../../../src/mail/agreement-confirmation.mail';

describe('agreement confirmation e-mail', () => {
  const input = {
    employerName: 'Bakkerij Zoet B.V.',
    agreementVersion: '2026-1',
    agreementTitle: 'Verwerkersovereenkomst datakluis',
    acceptedAt: new Date('2026-07-01T10:05:00Z'),
    representativeName: 'Anna de Wit',
    acceptedBy: 'Piet Bakker',
    firstAcceptance: true,
  };

  it('says what was accepted, when (Dutch time) and by whom, Dutch first, then English', () => {
    const { subject, text } = agreementConfirmationMail(input);
    expect(subject).to.match(/^Bevestiging: verwerkersovereenkomst geaccepteerd/);
    expect(subject).to.contain('Bakkerij Zoet B.V.').and.contain('Confirmation');
    expect(text).to.contain('Overeenkomst:      Verwerkersovereenkomst datakluis');
    expect(text).to.contain('Versie:            2026-1');
    expect(text).to.contain('Version:     2026-1');
    // Summer time: UTC+2.
    expect(text).to.contain('1 juli 2026 om 12:05 (Nederlandse tijd)');
    expect(text).to.contain('1 July 2026 at 12:05 (Dutch time)');
    expect(text).to.contain('Geaccepteerd door: Piet Bakker');
    expect(text).to.contain('Accepted by: Piet Bakker');
    expect(text).to.contain('datakluis van Bakkerij Zoet B.V. actief');
    expect(text.indexOf('Beste Anna de Wit,')).to.be.lessThan(text.indexOf('Dear Anna de Wit,'));
  });

  it('keeps names supplied by users on one line', () => {
    const { subject, text } = agreementConfirmationMail({
      ...input,
      employerName: 'Evil\r\nBcc: x@example.nl',
      acceptedBy: 'Piet\nBakker',
    });
    expect(subject).to.not.match(/[\r\n]/);
    expect(subject).to.contain('Evil Bcc: x@example.nl');
    expect(text).to.contain('Geaccepteerd door: Piet Bakker');
  });

  it('confirms a new version of an active vault as such, without calling the acceptor the first admin', () => {
    const { subject, text } = agreementConfirmationMail({ ...input, firstAcceptance: false });
    expect(subject).to.contain('nieuwe versie').and.contain('new version');
    expect(text).to.contain('nieuwe versie van de verwerkersovereenkomst');
    expect(text).to.contain('new version of the processing agreement');
    expect(text).to.not.contain('eerste datakluisbeheerder');
    expect(text).to.not.contain('first vault admin');
    expect(text).to.not.contain('Vanaf dat moment');
  });

  it('does not double the full stop after a name that ends in one', () => {
    const { text } = agreementConfirmationMail(input);
    expect(text).to.not.contain('B.V..');
  });
});
