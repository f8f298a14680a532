// The parts of a SIVI Verzuimmeldingen message (2022 XSD, namespace
// http://www.sivi.org/Verzuimmanagement/Verzuimmeldingen/2022) that the adapter reads, as parsed by
// the SDK's parseXml: every leaf is a string, repeated elements are arrays.

export interface SiviVerzuim {
  VrwrkCd?: string;
  IngdatMutVrzm?: string;
  VrzmgvlId?: string;
  VrzmgvlVnrMld?: string;
  EndVrzmJN?: string;
  DatVrzmWrkgvr?: string;
  DatEerstVrzmdg?: string;
  DatEerstVrzmdgOud?: string;
  VrzmgvlIdOud?: string;
  IngdatMutVrzmOud?: string;
  DatHrstld?: string;
  DatHrstldWrkgvr?: string;
  DatVrwHrstl?: string;
  PrcVrzm?: string;
  VngntJN?: string;
  [element: string]: unknown;
}

export interface SiviDienstverband {
  IdDnstvbnd?: string;
  PersNr?: string;
  Vrzm?: SiviVerzuim[];
}

export interface SiviWerknemer {
  SofiNr?: string;
  Gebdat?: string;
  SignNm?: string;
  Voorl?: string;
  Voorv?: string;
  Roepnaam?: string;
  IdWrknmr?: string;
  Dnstvbnd?: SiviDienstverband[];
}

export interface SiviWerkgever {
  Wrknmr?: SiviWerknemer[];
}

export interface SiviBerichtAlgemeen {
  BrCd?: string;
  VnrBrCd?: string;
  AandatBr?: string;
  AantijdBr?: string;
  Berrefnr?: string;
}

export interface SiviVerzuimmeldingen {
  BrAlg?: SiviBerichtAlgemeen;
  Wrkgvr?: SiviWerkgever[];
}
