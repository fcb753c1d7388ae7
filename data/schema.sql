-- Final tables, built from the validated staging tables raw_events, raw_countries, raw_officials, raw_forums
-- (all VARCHAR, blanks as ''). load.py creates the staging tables, runs this file, then drops them.

CREATE TABLE countries AS
SELECT name, NULLIF(iso3, '') AS iso3, kind, region, NULLIF(subregion, '') AS subregion,
       NULLIF(aliases, '') AS aliases, NULLIF(demonyms, '') AS demonyms,
       list_filter(list_transform(string_split(coalesce(aliases, ''), ';'), lambda x: trim(x)), lambda x: x <> '') AS alias_list,
       list_filter(list_transform(string_split(coalesce(demonyms, ''), ';'), lambda x: trim(x)), lambda x: x <> '') AS demonym_list
FROM raw_countries;

CREATE TABLE officials AS
SELECT name, NULLIF(name_zh, '') AS name_zh, agency, rank, NULLIF(title, '') AS title,
       list_filter(list_transform(string_split(coalesce(aliases, ''), ';'), lambda x: trim(x)), lambda x: x <> '') AS alias_list
FROM raw_officials;

CREATE TABLE forums AS
SELECT host_event, forum, NULLIF(acronym, '') AS acronym, level, NULLIF(region, '') AS region,
       TRY_CAST(regexp_extract(host_event, '(20[0-9]{2})', 1) AS INTEGER) AS year,
       list_filter(list_transform(string_split(coalesce(aliases, ''), ';'), lambda x: trim(x)), lambda x: x <> '') AS alias_list
FROM raw_forums;

CREATE TABLE interactions AS
WITH typed0 AS (
    SELECT r.*,
           TRY_CAST(NULLIF(r.date, '') AS DATE) AS d,
           list_filter(list_transform(string_split(coalesce(r.topics, ''), ';'), lambda x: trim(x)),
                       lambda x: x <> '') AS tl0,
           NULLIF(coalesce(NULLIF(r.country_canonical, ''), NULLIF(r.counterpart_org, '')), '') AS cp
    FROM raw_events r
), typed AS (  -- a topic listed twice counts once; order kept
    SELECT * EXCLUDE (tl0), list_filter(tl0, lambda x, i: list_position(tl0, x) = i) AS tl FROM typed0
)
SELECT t.interaction_id,
       t.event_key,
       CAST(t.event_no AS INTEGER) AS event_no,
       t.d AS date,
       NULLIF(t.date_precision, '') AS date_precision,
       NULLIF(t.cn_official, '') AS cn_official,
       NULLIF(t.cn_title, '') AS cn_title,
       t.cn_agency,
       t.cn_rank,
       NULLIF(t.counterpart_country, '') AS counterpart_country,
       NULLIF(t.counterpart_org, '') AS counterpart_org,
       NULLIF(t.counterpart_name, '') AS counterpart_name,
       NULLIF(t.counterpart_title, '') AS counterpart_title,
       t.format,
       NULLIF(t.host_event, '') AS host_event,
       NULLIF(t.city, '') AS city,
       NULLIF(t.host_country, '') AS host_country,
       t.mode,
       NULLIF(t.topics, '') AS topics,
       t.source_url,
       NULLIF(t.source_publisher, '') AS source_publisher,
       TRY_CAST(NULLIF(t.source_date, '') AS DATE) AS source_date,
       NULLIF(t.summary, '') AS summary,
       NULLIF(t.notes, '') AS notes,
       t.confidence,
       -- derived
       CAST(year(t.d) AS INTEGER) AS year,
       CASE WHEN t.date_precision IN ('day', 'month') THEN strftime(t.d, '%Y-%m') END AS month,
       CASE WHEN t.d IS NOT NULL THEN CAST(year(t.d) AS VARCHAR) || '-Q' || CAST(quarter(t.d) AS VARCHAR) END
           AS quarter,
       t.cp AS counterpart,
       CASE WHEN NULLIF(t.country_canonical, '') IS NOT NULL THEN 'country' ELSE 'organisation' END
           AS counterpart_kind,
       coalesce(c.region, CASE WHEN NULLIF(t.country_canonical, '') IS NULL THEN 'International organisation' END)
           AS region,
       c.subregion,
       c.iso3,
       t.tl AS topic_list,
       -- for facet counts: an ENUM list (type topic_value, made by load.py from the vocabulary) groups twice as
       -- fast as text; facets.NONE stands for untagged rows
       CAST(CASE WHEN len(t.tl) = 0 THEN ['(none)'] ELSE t.tl END AS topic_value[]) AS topic_facet,
       NULLIF(concat_ws(', ', NULLIF(t.city, ''), NULLIF(t.host_country, '')), '') AS place,
       t.format IN ('bilateral', 'sideline-bilateral') AS is_bilateral,
       lower(concat_ws(' | ', t.cn_official, o.name_zh, t.cn_title, t.cn_agency, t.counterpart_country,
                       t.counterpart_org, t.country_canonical, t.counterpart_name, t.counterpart_title, t.host_event,
                       f.acronym, t.city, t.host_country, t.topics, t.summary, c.region, c.iso3)) AS search_text,
       CAST(t.source_line AS INTEGER) AS source_line
FROM typed t
LEFT JOIN countries c ON c.name = t.cp
LEFT JOIN officials o ON o.name = NULLIF(t.cn_official, '')
LEFT JOIN forums f ON f.host_event = NULLIF(t.host_event, '')
ORDER BY CAST(t.source_line AS INTEGER);

CREATE TABLE events AS
SELECT event_key,
       any_value(event_no) AS event_no,
       any_value(date) AS date,
       any_value(date_precision) AS date_precision,
       any_value(year) AS year,
       any_value(month) AS month,
       any_value(quarter) AS quarter,
       any_value(format) AS format,
       any_value(host_event) AS host_event,
       any_value(city) AS city,
       any_value(host_country) AS host_country,
       any_value(place) AS place,
       any_value(mode) AS mode,
       string_agg(DISTINCT cn_official, '; ' ORDER BY cn_official) AS cn_lead,
       string_agg(DISTINCT cn_agency, '; ' ORDER BY cn_agency) AS cn_agency,
       count(*) AS n_interactions,
       count(DISTINCT counterpart) AS n_counterparts,
       string_agg(DISTINCT counterpart, '; ' ORDER BY counterpart) AS counterparts,
       string_agg(DISTINCT region, '; ' ORDER BY region) AS regions,
       CASE min(CASE confidence WHEN 'low' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END)
           WHEN 0 THEN 'low' WHEN 1 THEN 'medium' ELSE 'high' END AS confidence,
       list_sort(list_distinct(flatten(list(topic_list)))) AS topic_list,
       min(source_line) AS source_line
FROM interactions
GROUP BY event_key
ORDER BY min(source_line);

-- every page a fact rests on: the row's source_url plus the "also: URL" sources listed in its notes
CREATE TABLE sources AS
SELECT interaction_id, event_key, 'primary' AS role, source_url AS url, source_publisher AS publisher,
       source_date, regexp_extract(source_url, '^[a-z]+://([^/:?#]+)', 1) AS domain
FROM interactions
UNION ALL
SELECT interaction_id, event_key, 'also' AS role, u AS url, NULL AS publisher, NULL AS source_date,
       regexp_extract(u, '^[a-z]+://([^/:?#]+)', 1) AS domain
FROM (SELECT interaction_id, event_key, source_url,
             unnest(regexp_extract_all(coalesce(notes, ''), '(https?://[^\s;,)]+[^\s;,.)])', 1)) AS u
      FROM interactions)
WHERE u <> source_url;

CREATE VIEW interactions_full AS
SELECT i.*, o.name_zh AS cn_official_zh, o.title AS cn_official_title, f.forum, f.acronym AS forum_acronym,
       f.level AS forum_level, f.region AS forum_region
FROM interactions i
LEFT JOIN officials o ON o.name = i.cn_official
LEFT JOIN forums f ON f.host_event = i.host_event;

CREATE VIEW events_full AS
SELECT e.*, f.forum, f.acronym AS forum_acronym, f.level AS forum_level, f.region AS forum_region
FROM events e
LEFT JOIN forums f ON f.host_event = e.host_event;

CREATE VIEW bilaterals AS
SELECT * FROM interactions_full WHERE is_bilateral;

CREATE VIEW by_country AS
SELECT counterpart, counterpart_kind, region, subregion, iso3,
       count(*) AS interactions, count(DISTINCT event_key) AS events,
       count(*) FILTER (WHERE is_bilateral) AS bilateral, count(*) FILTER (WHERE format = 'multilateral') AS multilateral,
       min(date) AS first_date, max(date) AS last_date
FROM interactions
GROUP BY ALL;

CREATE VIEW by_official AS
SELECT coalesce(i.cn_official, '(unnamed)') AS cn_official, any_value(o.name_zh) AS name_zh,
       string_agg(DISTINCT i.cn_agency, '; ') AS agency,
       count(*) AS interactions, count(DISTINCT i.event_key) AS events,
       count(DISTINCT i.counterpart) FILTER (WHERE i.counterpart_kind = 'country') AS countries
FROM interactions i LEFT JOIN officials o ON o.name = i.cn_official
GROUP BY 1;
