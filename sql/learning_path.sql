-- Ready skills and learning paths on small frameworks with known answers.
SET timezone = 'UTC';
SET extra_float_digits = 0;

-- A diamond and a tail:      count -> add -> multiply -> divide
--                             count -> subtract --------^    (divide needs both)
--                             divide -> fractions
CREATE TABLE arithmetic_graph AS
SELECT skill_graph_agg(p, s) AS g FROM (VALUES
	('count', 'add'), ('count', 'subtract'), ('add', 'multiply'), ('multiply', 'divide'),
	('subtract', 'divide'), ('divide', 'fractions'), (NULL, 'measure')) v(p, s);
CREATE FUNCTION learner(json text) RETURNS learner_profile LANGUAGE sql IMMUTABLE AS
$$ SELECT json::learner_profile $$;

-- a beginner: nothing mastered; only skills without prerequisites are ready
SELECT ready_skills(g, '{}', 3) FROM arithmetic_graph;
-- count mastered (3 of 4 at threshold 3), add nearly: add and subtract are ready
SELECT ready_skills(g, learner('{"count": {"mastery": 3, "out_of": 4}, "add": {"mastery": 2.5, "out_of": 4}}'), 3)
FROM arithmetic_graph;
-- a skill without a value is not mastered; one at the threshold is
SELECT ready_skills(g, learner('{"count": {"mastery": null, "out_of": 4}, "measure": {"mastery": 3, "out_of": 4}}'), 3)
FROM arithmetic_graph;

-- The path to divide: everything unmastered that leads there, each after its
-- prerequisites.  Ties: first what unlocks more of the path (add unlocks
-- multiply and divide; subtract only divide), then what is closest to mastery.
SELECT p.* FROM arithmetic_graph,
	learning_path(g, learner('{"count": {"mastery": 4, "out_of": 4}}'), 'divide', 3) p;
-- closest to mastery decides between equals: subtract at 2.9 goes first
SELECT p.* FROM arithmetic_graph,
	learning_path(g, learner('{"count": {"mastery": 4, "out_of": 4}, "add": {"mastery": 3.5, "out_of": 4},
	                          "subtract": {"mastery": 2.9, "out_of": 4}, "multiply": {"mastery": 1, "out_of": 4}}'), 'fractions', 3) p;
-- a mastered skill stands for its prerequisites: multiply mastered, count is not
-- on the path even though it is not mastered
SELECT p.* FROM arithmetic_graph,
	learning_path(g, learner('{"multiply": {"mastery": 4, "out_of": 4}, "subtract": {"mastery": 4, "out_of": 4}}'), 'fractions', 3) p;
-- several targets: one path, each skill once
SELECT p.* FROM arithmetic_graph, learning_path(g, '{}', ARRAY['multiply', 'subtract', 'measure'], 3) p;
-- a mastered target gives no rows; unknown targets are errors
SELECT count(*) FROM arithmetic_graph, learning_path(g, learner('{"divide": {"mastery": 4, "out_of": 4}}'), 'divide', 3);
SELECT * FROM arithmetic_graph, learning_path(g, '{}', 'calculus', 3);
SELECT * FROM arithmetic_graph, learning_path(g, '{}', ARRAY['add', NULL], 3);
SELECT * FROM arithmetic_graph, learning_path(g, '{}', 'add', 'NaN');

-- Part_of: a target that is a cluster means its standards, and a
-- prerequisite of a cluster is one of each of its standards.
--   RP.A (cluster) = RP.A.1, RP.A.2, RP.A.3 (RP.A.3 = RP.A.3a, RP.A.3b)
--   NS.A.1 is a prerequisite of the cluster RP.A; RP.A.1 of RP.A.3 (a whole)
CREATE TABLE cluster_graph AS
SELECT skill_graph_agg(p, s, r) AS g FROM (VALUES
	('RP.A.1', 'RP.A', 'part_of'), ('RP.A.2', 'RP.A', 'part_of'), ('RP.A.3', 'RP.A', 'part_of'),
	('RP.A.3a', 'RP.A.3', 'part_of'), ('RP.A.3b', 'RP.A.3', 'part_of'),
	('NS.A.1', 'RP.A', 'prerequisite'), ('RP.A.1', 'RP.A.3', 'prerequisite')) v(p, s, r);
SELECT p.* FROM cluster_graph, learning_path(g, '{}', 'RP.A', 3) p;
SELECT ready_skills(g, learner('{"NS.A.1": {"mastery": 3, "out_of": 4}}'), 3) FROM cluster_graph;
SELECT p.* FROM cluster_graph,
	learning_path(g, learner('{"NS.A.1": {"mastery": 3, "out_of": 4}, "RP.A.1": {"mastery": 3.5, "out_of": 4}}'), 'RP.A.3', 3) p;

-- One learner's picture: mastered green, ready gold, not yet ready grey;
-- drawn on the path only with subgraph()
SELECT skill_graph_to_dot(g, learner('{"count": {"mastery": 4, "out_of": 4}, "add": {"mastery": 2, "out_of": 4}}'), 3)
FROM arithmetic_graph;
SELECT skill_graph_to_dot(subgraph(g, ARRAY(SELECT skill FROM learning_path(g, p, 'multiply', 3))), p, 3)
FROM arithmetic_graph, learner('{"count": {"mastery": 4, "out_of": 4}, "add": {"mastery": 2, "out_of": 4}}') p;
-- a whole rated at or above the threshold (a standard assessed as a whole)
-- covers its components: RP.A.3 mastered means RP.A.3a and RP.A.3b are
SELECT p.* FROM cluster_graph,
	learning_path(g, learner('{"NS.A.1": {"mastery": 4, "out_of": 4}, "RP.A.3": {"mastery": 3.5, "out_of": 4}}'), 'RP.A', 3) p;

-- One learner's path as a picture: the path's skills numbered in order and
-- the mastered skills they build on
SELECT learning_path_to_dot(g, learner('{"count": {"mastery": 4, "out_of": 4}, "add": {"mastery": 2, "out_of": 4}}'),
                            'multiply', 3)
FROM arithmetic_graph;
SELECT learning_path_to_dot(g, '{}', ARRAY['subtract', 'measure'], 3) FROM arithmetic_graph;

-- NULLs: a learner without a profile (an outer join) has mastered nothing;
-- a missing graph, target or threshold is an error, not a silent no-path
SELECT p.* FROM arithmetic_graph, learning_path(g, NULL, 'add', 3) p;
SELECT count(*) FROM arithmetic_graph, ready_skills(g, NULL, 3);
SELECT * FROM learning_path(NULL, '{}', 'add', 3);
SELECT * FROM arithmetic_graph, learning_path(g, '{}', NULL::text, 3);
SELECT * FROM arithmetic_graph, learning_path(g, '{}', 'add', NULL);

-- A rolled-up whole summarizes; it does not cover unassessed standards. RP.A
-- averages 4 from RP.A.1 alone, yet RP.A.2 and RP.A.3's parts stay on the path
SELECT p.* FROM cluster_graph,
	learning_path(g, profile_rollup(learner('{"NS.A.1": {"mastery": 4, "out_of": 4}, "RP.A.1": {"mastery": 4, "out_of": 4}}'), g),
	              'RP.A', 3) p;
-- thresholds from 0 up, on the profile's scale; at least one target
SELECT * FROM arithmetic_graph, ready_skills(g, '{}', -1);
SELECT * FROM arithmetic_graph, learning_path(g, '{}', '{}'::text[], 3);
