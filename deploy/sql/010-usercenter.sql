-- looklook_usercenter: users and their login identities (idempotent: applied on every `./looklook up`).
CREATE DATABASE IF NOT EXISTS `looklook_usercenter` DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;
USE `looklook_usercenter`;

CREATE TABLE IF NOT EXISTS `user` (
  `id` bigint NOT NULL AUTO_INCREMENT,
  `create_time` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
  `update_time` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  `delete_time` datetime NOT NULL DEFAULT '1970-01-01 08:00:00',
  `del_state` tinyint NOT NULL DEFAULT '0',
  `version` bigint NOT NULL DEFAULT '0' COMMENT 'optimistic lock version',
  `mobile` char(11) NOT NULL DEFAULT '',
  `password` varchar(255) NOT NULL DEFAULT '' COMMENT 'scrypt hash, never plain or MD5',
  `nickname` varchar(255) NOT NULL DEFAULT '',
  `sex` tinyint(1) NOT NULL DEFAULT '0' COMMENT '0 male, 1 female',
  `avatar` varchar(255) NOT NULL DEFAULT '',
  `info` varchar(255) NOT NULL DEFAULT '',
  PRIMARY KEY (`id`),
  UNIQUE KEY `idx_mobile` (`mobile`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci COMMENT='user';

CREATE TABLE IF NOT EXISTS `user_auth` (
  `id` bigint NOT NULL AUTO_INCREMENT,
  `create_time` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
  `update_time` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  `delete_time` datetime NOT NULL DEFAULT '1970-01-01 08:00:00',
  `del_state` tinyint NOT NULL DEFAULT '0',
  `version` bigint NOT NULL DEFAULT '0' COMMENT 'optimistic lock version',
  `user_id` bigint NOT NULL DEFAULT '0',
  `auth_key` varchar(64) NOT NULL DEFAULT '' COMMENT 'unique id on the platform (mobile, openid)',
  `auth_type` varchar(12) NOT NULL DEFAULT '' COMMENT 'platform: system, wxMini',
  PRIMARY KEY (`id`),
  UNIQUE KEY `idx_type_key` (`auth_type`, `auth_key`) USING BTREE,
  UNIQUE KEY `idx_userId_key` (`user_id`, `auth_type`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci COMMENT='user login identities';
