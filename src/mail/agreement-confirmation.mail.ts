// The confirmation e-mail to an employer's legal representative after the processing agreement
// (verwerkersovereenkomst) was accepted: what, when, by whom, and what the active vault means.
// Dutch first, then English; plain text. Pure: the caller passes the time of acceptance.

export interface AgreementConfirmationInput {
  employerName: string;
  agreementVersion: string;
  agreementTitle: string;
  acceptedAt: Date;
  /** The legal representative, who receives the mail. */
  representativeName: string;
  /** Display name of the user who accepted. */
  acceptedBy: string;
  /**
   * The employer's first acceptance (it activated the vault and made the acceptor its first vault
   * admin); false for a new version accepted while the vault was already active.
   */
  firstAcceptance: boolean;
}

/** `text.` without doubling a full stop the text already ends with (`Acme B.V.`). */
const sentence = (text: string): string => (text.endsWith('.') ? text : `${text}.`);

/** Names come from users: one line each, no control characters. */
function oneLine(text: string): string {
  return text.replace(/[\p{Cc}\p{Zl}\p{Zp}]+/gu, ' ').trim();
}

/** `3 december 2026 om 18:24` / `3 December 2026 at 18:24`, Dutch time (CET/CEST). */
function amsterdamTime(date: Date, locale: 'nl-NL' | 'en-GB'): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat(locale, {
      timeZone: 'Europe/Amsterdam',
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(date)
      .map((part) => [part.type, part.value]),
  ) as Record<string, string>;
  const day = `${parts.day} ${parts.month} ${parts.year}`;
  const time = `${parts.hour}:${parts.minute}`;
  return locale === 'nl-NL' ? `${day} om ${time}` : `${day} at ${time}`;
}

export function agreementConfirmationMail(input: AgreementConfirmationInput): {
  subject: string;
  text: string;
} {
  const employer = oneLine(input.employerName);
  const title = oneLine(input.agreementTitle);
  const version = oneLine(input.agreementVersion);
  const representative = oneLine(input.representativeName);
  const acceptedBy = oneLine(input.acceptedBy);
  const first = input.firstAcceptance;
  const subject = first
    ? `Bevestiging: verwerkersovereenkomst geaccepteerd, datakluis actief – ${employer} / Confirmation: processing agreement accepted`
    : `Bevestiging: nieuwe versie verwerkersovereenkomst geaccepteerd – ${employer} / Confirmation: new version of the processing agreement accepted`;
  const dutch = [
    `Beste ${representative},`,
    '',
    `U ontvangt deze e-mail omdat u bij het accepteren van de verwerkersovereenkomst bent opgegeven als rechtsgeldig vertegenwoordiger (tekenbevoegd) van ${sentence(employer)}`,
    '',
    first
      ? `Namens ${employer} is de verwerkersovereenkomst geaccepteerd:`
      : `Namens ${employer} is een nieuwe versie van de verwerkersovereenkomst geaccepteerd:`,
    '',
    `  Overeenkomst:      ${title}`,
    `  Versie:            ${version}`,
    `  Geaccepteerd op:   ${amsterdamTime(input.acceptedAt, 'nl-NL')} (Nederlandse tijd)`,
    `  Geaccepteerd door: ${acceptedBy}`,
    '',
    ...(first
      ? [
          `Vanaf dat moment is de datakluis van ${employer} actief. Dat betekent:`,
          '',
          '- Alle werknemersgegevens worden in de datakluis geplaatst: werknemers zonder verzuim bij de eerstvolgende nachtverwerking, nieuwe werknemers meteen. Alleen uw eigen medewerkers met toegang tot de datakluis kunnen deze gegevens zien; de arbodienst niet.',
          '- Wordt verzuim gemeld voor een werknemer, dan wordt diens dossier automatisch uit de datakluis gehaald en gedeeld met de arbodienst. Een dossier dat vanwege verzuim is gedeeld, blijft buiten de datakluis.',
          '- U kunt ook zelf een dossier delen met de arbodienst, bijvoorbeeld om het te bespreken met de casemanager.',
          `- ${acceptedBy} is de eerste datakluisbeheerder: ziet alle werknemersgegevens en kan collega's toegang geven tot de datakluis of hen ook beheerder maken.`,
          '- Aan de datakluis zijn geen kosten verbonden.',
        ]
      : [
          `De datakluis van ${employer} was al actief en blijft dat; wie toegang heeft, verandert niet.`,
        ]),
    '',
    'Herkent u deze acceptatie niet, neem dan contact op met uw arbodienst.',
    '',
    'Dit bericht is automatisch verzonden; antwoorden op dit bericht worden niet gelezen.',
  ];
  const english = [
    `Dear ${representative},`,
    '',
    `You receive this e-mail because you were named as the legal representative (authorised signatory) of ${employer} when the processing agreement was accepted.`,
    '',
    first
      ? `The processing agreement was accepted on behalf of ${employer}:`
      : `A new version of the processing agreement was accepted on behalf of ${employer}:`,
    '',
    `  Agreement:   ${title}`,
    `  Version:     ${version}`,
    `  Accepted on: ${amsterdamTime(input.acceptedAt, 'en-GB')} (Dutch time)`,
    `  Accepted by: ${acceptedBy}`,
    '',
    ...(first
      ? [
          `From that moment the data vault (datakluis) of ${employer} is active. This means:`,
          '',
          '- All employee data is placed in the data vault: employees without an absence at the next nightly processing, new employees at once. Only your own staff with vault access can see this data; the occupational health service cannot.',
          "- When an absence is reported for an employee, that employee's dossier automatically leaves the vault and is shared with the occupational health service. A dossier shared because of an absence stays outside the vault.",
          '- You can also share a dossier with the occupational health service yourself, for example to discuss it with the case manager.',
          `- ${acceptedBy} is the first vault admin: sees all employee data and can give colleagues access to the vault or make them vault admins too.`,
          '- There are no costs for the data vault.',
        ]
      : [
          `The data vault of ${employer} was already active and stays so; who has access does not change.`,
        ]),
    '',
    'If you do not recognise this acceptance, please contact your occupational health service.',
    '',
    'This message was sent automatically; replies to it are not read.',
  ];
  return { subject, text: [...dutch, '', '----------', '', ...english, ''].join('\n') };
}
