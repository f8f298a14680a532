-- Vault data model, first version. Written in the form `prisma migrate dev` produces, so
-- `prisma migrate deploy` can apply it where Prisma's schema engine is available.

-- CreateEnum
CREATE TYPE "EmployerVaultState" AS ENUM ('INACTIVE', 'ACTIVE');

-- CreateEnum
CREATE TYPE "DossierVaultState" AS ENUM ('IN_VAULT', 'OUTSIDE_VAULT', 'SHARED');

-- CreateEnum
CREATE TYPE "ShareReason" AS ENUM ('ABSENCE', 'MANUAL');

-- CreateEnum
CREATE TYPE "AbsenceStatus" AS ENUM ('OPEN', 'RECOVERED', 'WITHDRAWN');

-- CreateTable
CREATE TABLE "employers" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "vault_state" "EmployerVaultState" NOT NULL DEFAULT 'INACTIVE',
    "vault_activated_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "employers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "connector_credentials" (
    "id" UUID NOT NULL,
    "employer_id" TEXT NOT NULL,
    "connector_id" TEXT NOT NULL,
    "secret_hash" TEXT NOT NULL,
    "label" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "connector_credentials_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dossiers" (
    "id" UUID NOT NULL,
    "employer_id" TEXT NOT NULL,
    "external_id" TEXT NOT NULL,
    "vault_state" "DossierVaultState" NOT NULL,
    "absence_shared" BOOLEAN NOT NULL DEFAULT false,
    "shared_at" TIMESTAMPTZ(3),
    "bsn" TEXT,
    "initials" TEXT,
    "given_name" TEXT,
    "family_name_prefix" TEXT,
    "family_name" TEXT,
    "birth_date" DATE,
    "email" TEXT,
    "master_data_time" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dossiers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dossier_shares" (
    "id" UUID NOT NULL,
    "dossier_id" UUID NOT NULL,
    "employer_id" TEXT NOT NULL,
    "reason" "ShareReason" NOT NULL,
    "connector_id" TEXT,
    "user_id" TEXT,
    "purpose" TEXT,
    "caused_by_event_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ended_at" TIMESTAMPTZ(3),

    CONSTRAINT "dossier_shares_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "absence_cases" (
    "id" UUID NOT NULL,
    "employer_id" TEXT NOT NULL,
    "dossier_id" UUID NOT NULL,
    "connector_id" TEXT NOT NULL,
    "source_case_id" TEXT NOT NULL,
    "status" "AbsenceStatus" NOT NULL,
    "report_received" BOOLEAN NOT NULL DEFAULT false,
    "start_date" DATE,
    "reported_on" DATE,
    "expected_return_date" DATE,
    "last_sick_day" DATE,
    "recovery_date" DATE,
    "work_related_accident" BOOLEAN,
    "third_party_liable" BOOLEAN,
    "safety_net" BOOLEAN,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "absence_cases_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "incapacity_steps" (
    "case_id" UUID NOT NULL,
    "from_date" DATE NOT NULL,
    "percentage" DECIMAL(5,2) NOT NULL,

    CONSTRAINT "incapacity_steps_pkey" PRIMARY KEY ("case_id","from_date")
);

-- CreateTable
CREATE TABLE "absence_case_events" (
    "event_id" UUID NOT NULL,
    "case_id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "sequence" INTEGER,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "facts" JSONB NOT NULL,
    "applied_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "absence_case_events_pkey" PRIMARY KEY ("event_id")
);

-- CreateTable
CREATE TABLE "processed_events" (
    "event_id" UUID NOT NULL,
    "event_type" TEXT NOT NULL,
    "employer_id" TEXT NOT NULL,
    "processed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "processed_events_pkey" PRIMARY KEY ("event_id")
);

-- CreateTable
CREATE TABLE "audit_log" (
    "id" BIGSERIAL NOT NULL,
    "employer_id" TEXT NOT NULL,
    "dossier_id" UUID,
    "actor_type" TEXT NOT NULL,
    "actor_id" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "reason" TEXT,
    "correlation_id" TEXT,
    "event_id" UUID,
    "details" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "outbox" (
    "id" UUID NOT NULL,
    "exchange" TEXT NOT NULL,
    "routing_key" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "correlation_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "published_at" TIMESTAMPTZ(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "outbox_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "connector_credentials_employer_id_connector_id_idx" ON "connector_credentials"("employer_id", "connector_id");

-- CreateIndex
CREATE UNIQUE INDEX "dossiers_employer_id_external_id_key" ON "dossiers"("employer_id", "external_id");

-- CreateIndex
CREATE INDEX "dossier_shares_dossier_id_idx" ON "dossier_shares"("dossier_id");

-- CreateIndex
CREATE INDEX "absence_cases_dossier_id_idx" ON "absence_cases"("dossier_id");

-- CreateIndex
CREATE UNIQUE INDEX "absence_cases_employer_id_connector_id_source_case_id_key" ON "absence_cases"("employer_id", "connector_id", "source_case_id");

-- CreateIndex
CREATE INDEX "absence_case_events_case_id_idx" ON "absence_case_events"("case_id");

-- CreateIndex
CREATE INDEX "audit_log_employer_id_created_at_idx" ON "audit_log"("employer_id", "created_at");

-- CreateIndex
CREATE INDEX "audit_log_dossier_id_idx" ON "audit_log"("dossier_id");

-- CreateIndex
CREATE INDEX "outbox_published_at_created_at_idx" ON "outbox"("published_at", "created_at");

-- AddForeignKey
ALTER TABLE "connector_credentials" ADD CONSTRAINT "connector_credentials_employer_id_fkey" FOREIGN KEY ("employer_id") REFERENCES "employers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dossiers" ADD CONSTRAINT "dossiers_employer_id_fkey" FOREIGN KEY ("employer_id") REFERENCES "employers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dossier_shares" ADD CONSTRAINT "dossier_shares_dossier_id_fkey" FOREIGN KEY ("dossier_id") REFERENCES "dossiers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "absence_cases" ADD CONSTRAINT "absence_cases_dossier_id_fkey" FOREIGN KEY ("dossier_id") REFERENCES "dossiers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "incapacity_steps" ADD CONSTRAINT "incapacity_steps_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "absence_cases"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "absence_case_events" ADD CONSTRAINT "absence_case_events_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "absence_cases"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- The audit trail is append-only: no UPDATE, DELETE or TRUNCATE, whoever asks.
CREATE FUNCTION "audit_log_is_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER "audit_log_no_update_or_delete" BEFORE UPDATE OR DELETE ON "audit_log"
    FOR EACH ROW EXECUTE FUNCTION "audit_log_is_append_only"();

CREATE TRIGGER "audit_log_no_truncate" BEFORE TRUNCATE ON "audit_log"
    FOR EACH STATEMENT EXECUTE FUNCTION "audit_log_is_append_only"();
