-- The sub-transaction barrier of every database a saga branch writes to (common/dtm, doc/transactions.md):
-- dtm's own barrier table (v1.19.0 sqls/dtmcli.barrier.mysql.sql), kept inside each business database
-- as `dtm_barrier` rather than in a shared `dtm_barrier` database, so a branch's barrier row and its
-- business change commit in one local transaction with the service's own user and connection.
-- Applied after deploy/sql/*.sql, which create the databases; idempotent.
CREATE TABLE IF NOT EXISTS `looklook_order`.`dtm_barrier` (
  `id` bigint NOT NULL AUTO_INCREMENT,
  `trans_type` varchar(45) NOT NULL DEFAULT '',
  `gid` varchar(128) NOT NULL DEFAULT '',
  `branch_id` varchar(128) NOT NULL DEFAULT '',
  `op` varchar(45) NOT NULL DEFAULT '',
  `barrier_id` varchar(45) NOT NULL DEFAULT '',
  `reason` varchar(45) NOT NULL DEFAULT '' COMMENT 'the op whose call inserted this row',
  `create_time` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
  `update_time` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uniq_barrier` (`gid`, `branch_id`, `op`, `barrier_id`),
  KEY `idx_create_time` (`create_time`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci COMMENT='dtm sub-transaction barrier';

CREATE TABLE IF NOT EXISTS `looklook_travel`.`dtm_barrier` LIKE `looklook_order`.`dtm_barrier`;
