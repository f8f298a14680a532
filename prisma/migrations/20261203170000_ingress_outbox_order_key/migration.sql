-- Every ingress asks "does this employee have messages waiting in the outbox?" before it publishes
-- straight to the broker (a later message must not overtake an earlier one): answer from an index.

-- CreateIndex
CREATE INDEX "ingress_outbox_order_key_idx" ON "ingress_outbox"("order_key");
