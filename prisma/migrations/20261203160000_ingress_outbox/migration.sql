-- The ingress outbox: canonical events the ingress accepted while the broker could not confirm
-- them. Written in one transaction per HTTP message before the 202; a relay publishes them in `seq`
-- order per `order_key` (one employee) and deletes each row only after the broker confirmed it.

-- CreateTable
CREATE TABLE "ingress_outbox" (
    "seq" BIGSERIAL NOT NULL,
    "message_id" UUID NOT NULL,
    "exchange" TEXT NOT NULL,
    "routing_key" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "body" BYTEA NOT NULL,
    "headers" JSONB NOT NULL,
    "correlation_id" TEXT,
    "order_key" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,

    CONSTRAINT "ingress_outbox_pkey" PRIMARY KEY ("seq")
);
