-- Seed data so a new user sees a living catalogue (idempotent: fixed ids, INSERT IGNORE).
-- Boss accounts have no password: they cannot log in with one until they set it.
INSERT IGNORE INTO `looklook_usercenter`.`user` (`id`,`mobile`,`password`,`nickname`,`sex`,`avatar`,`info`) VALUES
  (1,'13800000001','','Lin Wei',1,'https://images.looklook.dev/avatar/lin.jpg','Runs a tea farm stay in the hills of Hangzhou.'),
  (2,'13800000002','','Chen Jing',0,'https://images.looklook.dev/avatar/chen.jpg','Architect who restored courtyard houses in Dali.'),
  (3,'13800000003','','Zhao Lei',1,'https://images.looklook.dev/avatar/zhao.jpg','Surfer and host by the sea in Sanya.');
INSERT IGNORE INTO `looklook_usercenter`.`user_auth` (`id`,`user_id`,`auth_key`,`auth_type`) VALUES
  (1,1,'13800000001','system'),
  (2,2,'13800000002','system'),
  (3,3,'13800000003','system');

INSERT IGNORE INTO `looklook_travel`.`homestay_business` (`id`,`title`,`user_id`,`info`,`boss_info`,`row_state`,`star`,`tags`,`cover`,`header_img`) VALUES
  (1,'West Lake Tea House',1,'Tea fields, lake views and slow mornings.','Host since 2015',1,4.8,'tea,lake','https://images.looklook.dev/shop/1/cover.jpg','https://images.looklook.dev/shop/1/header.jpg'),
  (2,'Erhai Courtyards',2,'Restored Bai courtyards between the lake and the mountains.','Architect and host',1,4.9,'courtyard','https://images.looklook.dev/shop/2/cover.jpg','https://images.looklook.dev/shop/2/header.jpg'),
  (3,'Sanya Surf Lodge',3,'Boards, breakfast and the beach at the door.','Surf teacher',1,4.6,'beach,surf','https://images.looklook.dev/shop/3/cover.jpg','https://images.looklook.dev/shop/3/header.jpg');
INSERT IGNORE INTO `looklook_travel`.`homestay` (`id`,`title`,`sub_title`,`banner`,`info`,`people_num`,`homestay_business_id`,`user_id`,`row_state`,`row_type`,`food_info`,`food_price`,`homestay_price`,`market_homestay_price`) VALUES
  (1,'Tea Terrace Room','Wake up above the tea rows','https://images.looklook.dev/homestay/1/1.jpg,https://images.looklook.dev/homestay/1/2.jpg','Wake up above the tea rows. Hosted by the West Lake Tea House team.',2,1,1,1,0,'Breakfast with local tea',3000,29900,39900),
  (2,'Lakeside Loft','Five minutes to the Broken Bridge','https://images.looklook.dev/homestay/2/1.jpg,https://images.looklook.dev/homestay/2/2.jpg','Five minutes to the Broken Bridge. Hosted by the West Lake Tea House team.',3,1,1,1,0,'Hangzhou breakfast',3500,45800,52800),
  (3,'Bamboo Cabin','Quiet cabin in the bamboo grove','https://images.looklook.dev/homestay/3/1.jpg,https://images.looklook.dev/homestay/3/2.jpg','Quiet cabin in the bamboo grove. Hosted by the West Lake Tea House team.',2,1,1,1,0,'Vegetarian dinner',5000,25800,31800),
  (4,'Courtyard Suite','Private courtyard with fireplace','https://images.looklook.dev/homestay/4/1.jpg,https://images.looklook.dev/homestay/4/2.jpg','Private courtyard with fireplace. Hosted by the Erhai Courtyards team.',4,2,2,1,0,'Bai style breakfast',4000,68800,88800),
  (5,'Erhai View Room','Watch the sunrise over the lake','https://images.looklook.dev/homestay/5/1.jpg,https://images.looklook.dev/homestay/5/2.jpg','Watch the sunrise over the lake. Hosted by the Erhai Courtyards team.',2,2,2,1,0,'Breakfast and fruit',3000,49900,59900),
  (6,'Old Town Attic','Steps from Dali old town','https://images.looklook.dev/homestay/6/1.jpg,https://images.looklook.dev/homestay/6/2.jpg','Steps from Dali old town. Hosted by the Erhai Courtyards team.',2,2,2,1,0,'Coffee and pastries',2500,32800,36800),
  (7,'Ocean Bunk','Shared room for surfers','https://images.looklook.dev/homestay/7/1.jpg,https://images.looklook.dev/homestay/7/2.jpg','Shared room for surfers. Hosted by the Sanya Surf Lodge team.',6,3,3,1,0,'Surfer breakfast',2000,12800,16800),
  (8,'Beach Villa','Whole villa on the sand','https://images.looklook.dev/homestay/8/1.jpg,https://images.looklook.dev/homestay/8/2.jpg','Whole villa on the sand. Hosted by the Sanya Surf Lodge team.',8,3,3,1,0,'Seafood dinner',12000,199900,259900),
  (9,'Palm Garden Room','Garden room under the palms','https://images.looklook.dev/homestay/9/1.jpg,https://images.looklook.dev/homestay/9/2.jpg','Garden room under the palms. Hosted by the Sanya Surf Lodge team.',3,3,3,1,0,'Tropical breakfast',3000,38800,45800),
  (10,'Sunset Studio','Rooftop studio facing west','https://images.looklook.dev/homestay/10/1.jpg,https://images.looklook.dev/homestay/10/2.jpg','Rooftop studio facing west. Hosted by the Sanya Surf Lodge team.',2,3,3,1,0,'Cocktails at sunset',4500,56600,62600),
  (11,'Winter Tea Room','Off season: closed until spring','https://images.looklook.dev/homestay/11/1.jpg,https://images.looklook.dev/homestay/11/2.jpg','Off season: closed until spring. Hosted by the West Lake Tea House team.',2,1,1,0,0,'None',0,19900,19900);
INSERT IGNORE INTO `looklook_travel`.`homestay_activity` (`id`,`row_type`,`data_id`,`row_status`) VALUES
  (1,'preferredHomestay',1,1),
  (2,'preferredHomestay',2,1),
  (3,'preferredHomestay',4,1),
  (4,'preferredHomestay',5,1),
  (5,'preferredHomestay',8,1),
  (6,'preferredHomestay',10,1),
  (7,'goodBusiness',1,1),
  (8,'goodBusiness',2,1),
  (9,'goodBusiness',3,1);
INSERT IGNORE INTO `looklook_travel`.`homestay_comment` (`id`,`homestay_id`,`user_id`,`content`,`star`) VALUES
  (1,1,2,'Tea tasting at dawn was unforgettable.','{"overall": 5, "clean": 5, "service": 5}'),
  (2,1,3,'Clean room, friendly host.','{"overall": 4, "clean": 4, "service": 4}'),
  (3,2,1,'Great location near the lake.','{"overall": 5, "clean": 5, "service": 5}'),
  (4,4,3,'The courtyard is beautiful at night.','{"overall": 5, "clean": 5, "service": 5}'),
  (5,4,1,'Fireplace kept us warm.','{"overall": 4, "clean": 4, "service": 4}'),
  (6,5,3,'Sunrise over Erhai, worth it.','{"overall": 5, "clean": 5, "service": 5}'),
  (7,8,1,'Whole villa for our family, perfect.','{"overall": 5, "clean": 5, "service": 5}'),
  (8,8,2,'Seafood dinner was excellent.','{"overall": 4, "clean": 4, "service": 4}'),
  (9,10,2,'Best sunset in Sanya.','{"overall": 5, "clean": 5, "service": 5}'),
  (10,7,2,'Good value for surfers.','{"overall": 4, "clean": 4, "service": 4}');

-- Booked nights, so homestayAvailability shows taken ones next to free ones: held by `SEED` (bookings made
-- elsewhere, no order here), a week and two weeks after the day the seed is first applied; applied once.
INSERT IGNORE INTO `looklook_travel`.`homestay_calendar` (`homestay_id`,`night`,`order_sn`)
SELECT s.homestay_id, CURDATE() + INTERVAL s.days DAY, 'SEED'
FROM (SELECT 2 AS homestay_id, 7 AS days UNION ALL SELECT 2, 8 UNION ALL SELECT 4, 14 UNION ALL SELECT 4, 15 UNION ALL SELECT 4, 16) s
WHERE NOT EXISTS (SELECT 1 FROM `looklook_travel`.`homestay_calendar` WHERE `order_sn` = 'SEED');
