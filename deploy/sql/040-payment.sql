-- looklook_payment: third-party payments (idempotent).
CREATE DATABASE IF NOT EXISTS `looklook_payment` DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;
USE `looklook_payment`;

CREATE TABLE IF NOT EXISTS `third_payment` (
  `id` bigint NOT NULL AUTO_INCREMENT,
  `create_time` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
  `update_time` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  `delete_time` datetime NOT NULL DEFAULT '1970-01-01 08:00:00',
  `del_state` tinyint NOT NULL DEFAULT '0',
  `version` bigint NOT NULL DEFAULT '0' COMMENT 'optimistic lock version',
  `sn` char(25) NOT NULL DEFAULT '' COMMENT 'payment number PMT…',
  `user_id` bigint NOT NULL DEFAULT '0',
  `pay_mode` varchar(20) NOT NULL DEFAULT '' COMMENT 'WECHAT_PAY',
  `trade_type` varchar(20) NOT NULL DEFAULT '' COMMENT 'third-party trade type, e.g. JSAPI',
  `trade_state` varchar(20) NOT NULL DEFAULT '' COMMENT 'third-party trade state, e.g. SUCCESS',
  `pay_total` bigint NOT NULL DEFAULT '0' COMMENT 'fen',
  `transaction_id` char(32) NOT NULL DEFAULT '' COMMENT 'third-party transaction id',
  `trade_state_desc` varchar(256) NOT NULL DEFAULT '',
  `order_sn` char(25) NOT NULL DEFAULT '' COMMENT 'the business order',
  `service_type` varchar(32) NOT NULL DEFAULT '' COMMENT 'homestayOrder',
  `pay_status` tinyint(1) NOT NULL DEFAULT '0' COMMENT '-1 failed, 0 unpaid, 1 paid, 2 refunded',
  `pay_time` datetime NOT NULL DEFAULT '1970-01-01 08:00:00',
  PRIMARY KEY (`id`),
  UNIQUE KEY `idx_sn` (`sn`),
  KEY `idx_order_sn` (`order_sn`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci COMMENT='third-party payments';
