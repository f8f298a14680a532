-- The vault as a service (issue 3): users and their tokens, the processing agreement, the e-mail
-- outbox, manual sharing and the nightly processing's run records.

-- CreateEnum
CREATE TYPE "UserKind" AS ENUM ('EMPLOYER_USER', 'SERVICE_STAFF', 'SUPPORT_STAFF');

-- CreateEnum
CREATE TYPE "VaultRole" AS ENUM ('NONE', 'ACCESS', 'ADMIN');

-- CreateEnum
CREATE TYPE "MailStatus" AS ENUM ('PENDING', 'SENDING', 'SENT', 'UNCERTAIN', 'FAILED');

-- CreateTable
CREATE TABLE "users" (
    "id" UUID NOT NULL,
    "kind" "UserKind" NOT NULL,
    "employer_id" TEXT,
    "login" TEXT NOT NULL,
    "display_name" TEXT NOT NULL,
    "external_subject" TEXT,
    "vault_role" "VaultRole" NOT NULL DEFAULT 'NONE',
    "support_elevated" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "disabled_at" TIMESTAMPTZ(3),

    CONSTRAINT "users_pkey" PRIMARY KEY ("id"),
    -- Employer users belong to exactly one employer; staff to the employers they are scoped to.
    CONSTRAINT "users_employer_matches_kind" CHECK (("kind" = 'EMPLOYER_USER') = ("employer_id" IS NOT NULL)),
    CONSTRAINT "users_vault_role_for_employer_users" CHECK ("kind" = 'EMPLOYER_USER' OR "vault_role" = 'NONE'),
    CONSTRAINT "users_elevation_for_support" CHECK ("kind" = 'SUPPORT_STAFF' OR NOT "support_elevated")
);

-- CreateTable
CREATE TABLE "user_employer_scopes" (
    "user_id" UUID NOT NULL,
    "employer_id" TEXT NOT NULL,

    CONSTRAINT "user_employer_scopes_pkey" PRIMARY KEY ("user_id", "employer_id")
);

-- CreateTable
CREATE TABLE "user_tokens" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "label" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "user_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "agreement_versions" (
    "version" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "published_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "agreement_versions_pkey" PRIMARY KEY ("version")
);

-- CreateTable
CREATE TABLE "agreement_acceptances" (
    "id" UUID NOT NULL,
    "employer_id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "user_id" UUID NOT NULL,
    "representative_name" TEXT NOT NULL,
    "representative_email" TEXT NOT NULL,
    "accepted_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "agreement_acceptances_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "mail_outbox" (
    "id" UUID NOT NULL,
    "employer_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "recipient" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "body_text" TEXT NOT NULL,
    "status" "MailStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "claimed_at" TIMESTAMPTZ(3),
    "sent_at" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "mail_outbox_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "nightly_runs" (
    "id" UUID NOT NULL,
    "trigger" TEXT NOT NULL,
    "dry_run" BOOLEAN NOT NULL,
    "employer_filter" TEXT,
    "scheduled_for" DATE,
    "status" TEXT NOT NULL,
    "employers" INTEGER NOT NULL DEFAULT 0,
    "moved" INTEGER NOT NULL DEFAULT 0,
    "skipped_locked" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "nightly_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "nightly_run_employers" (
    "run_id" UUID NOT NULL,
    "employer_id" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "moved" INTEGER NOT NULL,
    "duration_ms" INTEGER NOT NULL,

    CONSTRAINT "nightly_run_employers_pkey" PRIMARY KEY ("run_id", "employer_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "users_login_key" ON "users"("login");

-- CreateIndex
CREATE UNIQUE INDEX "users_external_subject_key" ON "users"("external_subject");

-- CreateIndex
CREATE INDEX "users_employer_id_idx" ON "users"("employer_id");

-- CreateIndex
CREATE UNIQUE INDEX "user_tokens_token_hash_key" ON "user_tokens"("token_hash");

-- CreateIndex
CREATE INDEX "user_tokens_user_id_idx" ON "user_tokens"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "agreement_acceptances_employer_id_version_key" ON "agreement_acceptances"("employer_id", "version");

-- CreateIndex
CREATE INDEX "mail_outbox_status_next_attempt_at_idx" ON "mail_outbox"("status", "next_attempt_at");

-- CreateIndex
CREATE UNIQUE INDEX "nightly_runs_scheduled_for_key" ON "nightly_runs"("scheduled_for");

-- CreateIndex
CREATE INDEX "dossiers_employer_id_vault_state_idx" ON "dossiers"("employer_id", "vault_state");

-- CreateIndex
CREATE INDEX "dossier_shares_employer_id_reason_idx" ON "dossier_shares"("employer_id", "reason");

-- AddForeignKey
ALTER TABLE "users" ADD CONSTRAINT "users_employer_id_fkey" FOREIGN KEY ("employer_id") REFERENCES "employers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "user_employer_scopes" ADD CONSTRAINT "user_employer_scopes_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "user_employer_scopes" ADD CONSTRAINT "user_employer_scopes_employer_id_fkey" FOREIGN KEY ("employer_id") REFERENCES "employers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "user_tokens" ADD CONSTRAINT "user_tokens_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "agreement_acceptances" ADD CONSTRAINT "agreement_acceptances_employer_id_fkey" FOREIGN KEY ("employer_id") REFERENCES "employers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "agreement_acceptances" ADD CONSTRAINT "agreement_acceptances_version_fkey" FOREIGN KEY ("version") REFERENCES "agreement_versions"("version") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "agreement_acceptances" ADD CONSTRAINT "agreement_acceptances_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "nightly_run_employers" ADD CONSTRAINT "nightly_run_employers_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "nightly_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The first version of the processing agreement. Later versions are published with
-- `datakluis agreement publish`; every employer then accepts again.
INSERT INTO "agreement_versions" ("version", "title", "body") VALUES (1,
  'Verwerkersovereenkomst Datakluis / Processing agreement, version 1',
  'The employer (controller) instructs the occupational health service (processor) to process personal data of its employees only as far as needed to guide absence and return to work. '
  || 'All employee data is kept in the employer''s data vault; the service sees a dossier only once it is shared: automatically when an absence is reported, or by hand with a stated purpose. '
  || 'Dossiers shared because of absence stay shared. No diagnosis, cause, symptoms or treatment is recorded by the employer. '
  || 'Every share, grant and revocation is written to an audit trail the employer can inspect. '
  || 'The legal representative named at acceptance confirms being authorised to sign for the employer.');
