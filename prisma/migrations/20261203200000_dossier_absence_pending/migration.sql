-- A case that waits for its report (a change or recovery that arrived first) holds its dossier out
-- of the vault. The fact is kept on the dossier row itself, so the nightly placement sees it even
-- when the case is written while the placement statement runs (PostgreSQL re-checks a row changed
-- by a concurrent transaction against the row's own columns, not against other tables).

-- AlterTable
ALTER TABLE "dossiers" ADD COLUMN "absence_pending" BOOLEAN NOT NULL DEFAULT false;

UPDATE "dossiers" d SET "absence_pending" = true
WHERE EXISTS (SELECT 1 FROM "absence_cases" c WHERE c."dossier_id" = d."id" AND c."status" <> 'WITHDRAWN');
