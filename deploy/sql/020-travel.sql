-- looklook_travel: homestays, their businesses (shops) and bosses, activities and comments (idempotent).
CREATE DATABASE IF NOT EXISTS `looklook_travel` DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;
USE `looklook_travel`;

CREATE TABLE IF NOT EXISTS `homestay` (
  `id` bigint NOT NULL AUTO_INCREMENT,
  `create_time` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
  `update_time` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  `delete_time` datetime NOT NULL DEFAULT '1970-01-01 08:00:00',
  `del_state` tinyint NOT NULL DEFAULT '0',
  `version` bigint NOT NULL DEFAULT '0' COMMENT 'optimistic lock version',
  `title` varchar(32) NOT NULL DEFAULT '',
  `sub_title` varchar(128) NOT NULL DEFAULT '',
  `banner` varchar(3000) NOT NULL DEFAULT '' COMMENT 'comma separated images, the first is the cover',
  `info` varchar(4069) NOT NULL DEFAULT '',
  `people_num` tinyint(1) NOT NULL DEFAULT '0' COMMENT 'how many guests it holds',
  `homestay_business_id` bigint NOT NULL DEFAULT '0',
  `user_id` bigint NOT NULL DEFAULT '0' COMMENT 'the boss, denormalised',
  `row_state` tinyint(1) NOT NULL DEFAULT '0' COMMENT '0 off sale, 1 on sale',
  `row_type` tinyint(1) NOT NULL DEFAULT '0' COMMENT '0 sold per room, 1 sold per person',
  `food_info` varchar(255) NOT NULL DEFAULT '',
  `food_price` bigint NOT NULL DEFAULT '0' COMMENT 'fen',
  `homestay_price` bigint NOT NULL DEFAULT '0' COMMENT 'fen',
  `market_homestay_price` bigint NOT NULL DEFAULT '0' COMMENT 'fen',
  PRIMARY KEY (`id`),
  KEY `idx_business` (`homestay_business_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci COMMENT='homestay';

CREATE TABLE IF NOT EXISTS `homestay_activity` (
  `id` bigint NOT NULL AUTO_INCREMENT,
  `create_time` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
  `update_time` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  `delete_time` datetime NOT NULL DEFAULT '1970-01-01 08:00:00',
  `del_state` tinyint NOT NULL DEFAULT '0',
  `version` bigint NOT NULL DEFAULT '0',
  `row_type` varchar(32) NOT NULL DEFAULT '' COMMENT 'activity type: preferredHomestay, goodBusiness',
  `data_id` bigint NOT NULL DEFAULT '0' COMMENT 'id in the table the activity type refers to',
  `row_status` tinyint(1) NOT NULL DEFAULT '0' COMMENT '0 off, 1 on',
  PRIMARY KEY (`id`),
  UNIQUE KEY `idx_type_data` (`row_type`, `data_id`),
  KEY `idx_rowType` (`row_type`, `row_status`, `del_state`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci COMMENT='homestay activities';

CREATE TABLE IF NOT EXISTS `homestay_business` (
  `id` bigint NOT NULL AUTO_INCREMENT,
  `create_time` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
  `update_time` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  `delete_time` datetime NOT NULL DEFAULT '1970-01-01 08:00:00',
  `del_state` tinyint NOT NULL DEFAULT '0',
  `version` bigint NOT NULL DEFAULT '0',
  `title` varchar(32) NOT NULL DEFAULT '' COMMENT 'shop name',
  `user_id` bigint NOT NULL DEFAULT '0' COMMENT 'the boss',
  `info` varchar(128) NOT NULL DEFAULT '' COMMENT 'shop introduction',
  `boss_info` varchar(128) NOT NULL DEFAULT '' COMMENT 'boss introduction',
  `license_fron` varchar(256) NOT NULL DEFAULT '' COMMENT 'licence, front (column name kept from the Go original)',
  `license_back` varchar(256) NOT NULL DEFAULT '' COMMENT 'licence, back',
  `row_state` tinyint(1) NOT NULL DEFAULT '0' COMMENT '0 closed, 1 open',
  `star` double(2,1) NOT NULL DEFAULT '0.0' COMMENT 'overall rating, denormalised',
  `tags` varchar(32) NOT NULL DEFAULT '',
  `cover` varchar(1024) NOT NULL DEFAULT '',
  `header_img` varchar(1024) NOT NULL DEFAULT '',
  PRIMARY KEY (`id`),
  UNIQUE KEY `idx_userId` (`user_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci COMMENT='homestay shops';

CREATE TABLE IF NOT EXISTS `homestay_comment` (
  `id` bigint NOT NULL AUTO_INCREMENT,
  `create_time` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
  `update_time` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  `delete_time` datetime NOT NULL DEFAULT '1970-01-01 08:00:00',
  `del_state` tinyint NOT NULL DEFAULT '0',
  `version` bigint NOT NULL DEFAULT '0',
  `homestay_id` bigint NOT NULL DEFAULT '0',
  `user_id` bigint NOT NULL DEFAULT '0',
  `content` varchar(255) NOT NULL DEFAULT '',
  `star` json NOT NULL COMMENT 'ratings per dimension, e.g. {"overall":5,"clean":5,"service":4}',
  PRIMARY KEY (`id`),
  KEY `idx_homestay` (`homestay_id`, `id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci COMMENT='homestay comments';

-- Availability: one row per homestay and night an order holds (the night of `night`, checking out the next
-- day, so a check-out day is free for the next check-in). The unique key is what makes a night bookable
-- once: reserveNights inserts every night of a stay in one transaction, and a taken night fails it whole.
-- Released nights (order cancelled, closed, expired, refunded, or its booking saga rolled back) are
-- deleted, freeing the key; the order keeps its dates.
CREATE TABLE IF NOT EXISTS `homestay_calendar` (
  `id` bigint NOT NULL AUTO_INCREMENT,
  `create_time` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
  `update_time` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  `delete_time` datetime NOT NULL DEFAULT '1970-01-01 08:00:00',
  `del_state` tinyint NOT NULL DEFAULT '0',
  `version` bigint NOT NULL DEFAULT '0',
  `homestay_id` bigint NOT NULL DEFAULT '0',
  `night` date NOT NULL DEFAULT '1970-01-01' COMMENT 'the night from this date to the next',
  `order_sn` varchar(25) NOT NULL DEFAULT '' COMMENT 'the order holding the night',
  PRIMARY KEY (`id`),
  UNIQUE KEY `idx_homestay_night` (`homestay_id`, `night`),
  KEY `idx_order_sn` (`order_sn`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci COMMENT='nights held by orders';
