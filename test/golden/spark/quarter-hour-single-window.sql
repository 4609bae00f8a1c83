WITH `__rows` AS (SELECT CAST(`user_id` AS STRING) AS `__e`, unix_millis(`ts`) AS `__ms`, CAST(`amount` AS DOUBLE) AS `__v0` FROM `valid_rows` WHERE ((`user_id` IS NOT NULL) AND (`ts` IS NOT NULL))),
`__src` AS (SELECT `__e`, ((`__ms` - (((`__ms` % 900000) + 900000) % 900000)) div 900000) AS `__b`, `__v0` FROM `__rows`),
`__parts` AS (SELECT `__e`, `__b`, sum(`__v0`) AS `__f0_s`, count(`__v0`) AS `__f0_n` FROM `__src` GROUP BY `__e`, `__b`),
`__gaps` AS (SELECT `__e`, `__b`, (CASE WHEN ((`__b` - max(`__b`) OVER (PARTITION BY `__e` ORDER BY `__b` ASC ROWS BETWEEN 1 PRECEDING AND 1 PRECEDING)) <= 1) THEN 0 ELSE 1 END) AS `__new` FROM `__parts`),
`__islands` AS (SELECT `__e`, `__b`, sum(`__new`) OVER (PARTITION BY `__e` ORDER BY `__b` ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS `__island` FROM `__gaps`),
`__ranges` AS (SELECT `__e`, `__island`, min(`__b`) AS `__lo`, max(`__b`) AS `__hi` FROM `__islands` GROUP BY `__e`, `__island`),
`__grid` AS (SELECT `r`.`__e`, `r`.`__island`, `g`.`__j` FROM `__ranges` AS `r` LATERAL VIEW explode(sequence(CAST((`r`.`__lo` + 1) AS BIGINT), CAST((`r`.`__hi` + 2) AS BIGINT), CAST(1 AS BIGINT))) `g` AS `__j`),
`__dense` AS (SELECT `g`.`__e`, `g`.`__island`, `g`.`__j`, `p`.`__f0_s`, `p`.`__f0_n` FROM `__grid` AS `g` LEFT JOIN `__parts` AS `p` ON ((`p`.`__e` = `g`.`__e`) AND (`p`.`__b` = (`g`.`__j` - 1)))),
`__win` AS (SELECT `__e`, `__j`, `__f0_s` AS `__f0_s_1`, `__f0_n` AS `__f0_n_1` FROM `__dense`)
SELECT `__e` AS `entity_id`, timestamp_millis(CAST((`__j` * 900000) AS BIGINT)) AS `feature_ts`, CAST((`__f0_s_1` / nullif(CAST(`__f0_n_1` AS DOUBLE), 0)) AS DOUBLE) AS `avg_spend_15m` FROM `__win`
