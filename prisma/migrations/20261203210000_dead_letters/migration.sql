-- Dead letters for support staff (issue 6): moved from the broker's dead-letter queue into
-- PostgreSQL, one row per message id, with its failure history; every support action on them is
-- also written to the audit trail.

-- CreateEnum
CREATE TYPE "DeadLetterStatus" AS ENUM ('OPEN', 'REPLAYED', 'DISCARDED');

-- CreateTable
CREATE TABLE "dead_letters" (
    "id" UUID NOT NULL,
    "message_id" TEXT NOT NULL,
    "original_exchange" TEXT NOT NULL,
    "original_routing_key" TEXT NOT NULL,
    "connector_id" TEXT,
    "employer_id" TEXT,
    "event_type" TEXT,
    "error_code" TEXT NOT NULL,
    "error_message" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "first_failed_at" TIMESTAMPTZ(3) NOT NULL,
    "last_failed_at" TIMESTAMPTZ(3) NOT NULL,
    "failures" JSONB NOT NULL DEFAULT '[]',
    "canonical" JSONB,
    "raw" BYTEA,
    "raw_content_type" TEXT,
    "payload_purged_at" TIMESTAMPTZ(3),
    "status" "DeadLetterStatus" NOT NULL DEFAULT 'OPEN',
    "replay_count" INTEGER NOT NULL DEFAULT 0,
    "replayed_at" TIMESTAMPTZ(3),
    "replayed_by" TEXT,
    "edited_from" UUID,
    "discarded_at" TIMESTAMPTZ(3),
    "discarded_by" TEXT,
    "discard_reason" TEXT,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dead_letters_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "dead_letters_message_id_key" ON "dead_letters"("message_id");

-- CreateIndex
CREATE INDEX "dead_letters_status_error_code_idx" ON "dead_letters"("status", "error_code");

-- CreateIndex
CREATE INDEX "dead_letters_employer_id_status_idx" ON "dead_letters"("employer_id", "status");

-- CreateIndex
CREATE INDEX "dead_letters_last_failed_at_idx" ON "dead_letters"("last_failed_at");

-- AddForeignKey
ALTER TABLE "dead_letters" ADD CONSTRAINT "dead_letters_edited_from_fkey" FOREIGN KEY ("edited_from") REFERENCES "dead_letters"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
