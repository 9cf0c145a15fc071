-- looklook_payment: the transactional outbox of payment-rpc (idempotent).
-- UpdateTradeState writes a row here in the same transaction as the third_payment change; a relay in
-- payment-rpc delivers it to Kafka (payment-update-paystatus-topic) through mqueue-rpc and marks it
-- sent only after the broker took it, so a Kafka outage delays the event instead of losing it.
CREATE DATABASE IF NOT EXISTS `looklook_payment` DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;
USE `looklook_payment`;

CREATE TABLE IF NOT EXISTS `third_payment_outbox` (
  `id` bigint NOT NULL AUTO_INCREMENT,
  `create_time` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
  `update_time` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  `delete_time` datetime NOT NULL DEFAULT '1970-01-01 08:00:00',
  `del_state` tinyint NOT NULL DEFAULT '0',
  `version` bigint NOT NULL DEFAULT '0' COMMENT 'optimistic lock version',
  `payment_sn` char(25) NOT NULL DEFAULT '' COMMENT 'the third_payment whose pay_status changed',
  `order_sn` char(25) NOT NULL DEFAULT '' COMMENT 'event field orderSn',
  `pay_status` tinyint NOT NULL DEFAULT '0' COMMENT 'event field payStatus: 1 paid, 2 refunded',
  `state` tinyint NOT NULL DEFAULT '0' COMMENT '0 pending, 1 sent, 2 dead (rejected as invalid, never retried)',
  `attempts` int NOT NULL DEFAULT '0' COMMENT 'failed delivery attempts so far',
  `last_error` varchar(512) NOT NULL DEFAULT '' COMMENT 'why the last attempt failed',
  `sent_time` datetime NOT NULL DEFAULT '1970-01-01 08:00:00',
  `trace_parent` varchar(64) NOT NULL DEFAULT '' COMMENT 'W3C traceparent of the change: the event continues its trace',
  PRIMARY KEY (`id`),
  -- One event per status change of a payment, whatever retries or races happen upstream.
  UNIQUE KEY `idx_payment_sn_pay_status` (`payment_sn`, `pay_status`),
  -- The relay's scan: pending rows in id order.
  KEY `idx_state_id` (`state`, `id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci COMMENT='payment events waiting for Kafka';
