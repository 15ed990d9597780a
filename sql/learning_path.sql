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

-- A mastered skill stands for its prerequisites never assessed, as in a
-- knowledge space: with round and compare mastered, place (never assessed)
-- counts as mastered, so estimate alone is ready and the path to multi
-- does not send the learner back to place.  Evidence wins over the
-- inference: place assessed at 1 stays unmastered (and ready), and compare,
-- never assessed but no prerequisite of a mastered skill, is not mastered.
CREATE TABLE place_graph AS
SELECT skill_graph_agg(p, s) AS g FROM (VALUES
	('place', 'round'), ('place', 'compare'), ('round', 'estimate'), ('compare', 'estimate'),
	('estimate', 'multi')) v(p, s);
SELECT ready_skills(g, learner('{"round": {"mastery": 4, "out_of": 4}, "compare": {"mastery": 3, "out_of": 4}}'), 3)
FROM place_graph;
SELECT p.* FROM place_graph,
	learning_path(g, learner('{"round": {"mastery": 4, "out_of": 4}, "compare": {"mastery": 3, "out_of": 4}}'), 'multi', 3) p;
SELECT ready_skills(g, learner('{"round": {"mastery": 4, "out_of": 4}, "place": {"mastery": 1, "out_of": 4}}'), 3)
FROM place_graph;
SELECT p.* FROM place_graph,
	learning_path(g, learner('{"round": {"mastery": 4, "out_of": 4}, "place": {"mastery": 1, "out_of": 4}}'), 'multi', 3) p;
-- through skills never assessed, not through one assessed below: estimate
-- mastered stands for round and place, not for compare (assessed at 1)
SELECT ready_skills(g, learner('{"estimate": {"mastery": 4, "out_of": 4}, "compare": {"mastery": 1, "out_of": 4}}'), 3)
FROM place_graph;
-- evidence without a value (a streak not reached yet) is evidence: compare
-- stays unmastered and ready, as with a value below the threshold
SELECT ready_skills(g, learner('{"estimate": {"mastery": 4, "out_of": 4}, "compare": {"mastery": null, "out_of": 4}}'), 3)
FROM place_graph;
-- a whole assessed as a whole below the threshold is evidence on its parts:
-- X mastered stands for none of them (A before X, X before Y)
CREATE TABLE rated_whole AS
SELECT skill_graph_agg(s, t, r) AS g FROM (VALUES
	('a1', 'A', 'part_of'), ('a2', 'A', 'part_of'), ('A', 'X', 'prerequisite'), ('X', 'Y', 'prerequisite')) v(s, t, r);
SELECT ready_skills(g, learner('{"A": {"mastery": 1, "out_of": 4}, "X": {"mastery": 4, "out_of": 4}}'), 3) FROM rated_whole;
SELECT p.* FROM rated_whole, learning_path(g, learner('{"A": {"mastery": 1, "out_of": 4}, "X": {"mastery": 4, "out_of": 4}}'), 'A', 3) p;
-- rated at or above it, A covers its parts; not rated, they are stood for
SELECT ready_skills(g, learner('{"A": {"mastery": 3, "out_of": 4}}'), 3) FROM rated_whole;
SELECT ready_skills(g, learner('{"X": {"mastery": 4, "out_of": 4}}'), 3) FROM rated_whole;
SELECT skill_graph_to_dot(g, learner('{"round": {"mastery": 4, "out_of": 4}, "compare": {"mastery": 3, "out_of": 4}}'), 3)
FROM place_graph;

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
-- covers its components: RP.A.3 mastered means RP.A.3a and RP.A.3b are;
-- and RP.A.1, its prerequisite never assessed, counts as mastered through it
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
-- on the profile's scale: a threshold above it, or a profile whose skills
-- are on several scales, would call every skill unmastered (3 on a 0 to 1
-- knowledge-tracing profile) or 35 of 100 mastered, without a word
SELECT * FROM arithmetic_graph, ready_skills(g, learner('{"count": {"mastery": 0.97, "out_of": 1}}'), 3);
SELECT * FROM arithmetic_graph, learning_path(g, learner('{"count": {"mastery": 0.97, "out_of": 1}}'), 'add', 3);
SELECT * FROM arithmetic_graph, ready_skills(g, learner('{"count": {"mastery": 3, "out_of": 4}, "add": {"mastery": 35, "out_of": 100}}'), 3);
SELECT skill_graph_to_dot(g, learner('{"count": {"mastery": 0.97, "out_of": 1}}'), 3) FROM arithmetic_graph;
SELECT learning_path_to_dot(g, learner('{"count": {"mastery": 3, "out_of": 4}, "add": {"mastery": 35, "out_of": 100}}'), 'add', 3)
FROM arithmetic_graph;
SELECT r FROM arithmetic_graph, ready_skills(g, learner('{"count": {"mastery": 0.97, "out_of": 1}}'), 0.95) r;
-- a threshold below 1 on a profile rated from 0 to 2 or more reads as a
-- share (0.75 meant as three quarters of 4): refused, with its value on the
-- scale; 1 itself, and 0, are values on the scale
SELECT r FROM arithmetic_graph, ready_skills(g, learner('{"count": {"mastery": 3, "out_of": 4}}'), 0.75) r;
SELECT p.* FROM arithmetic_graph, learning_path(g, learner('{"count": {"mastery": 80, "out_of": 100}}'), 'add', 0.8) p;
SELECT r FROM arithmetic_graph, ready_skills(g, learner('{"count": {"mastery": 1, "out_of": 4}}'), 1) r;
SELECT count(*) FROM arithmetic_graph, ready_skills(g, learner('{"count": {"mastery": 0, "out_of": 4}}'), 0) r;

-- Prerequisites of wholes, read as those of their parts.  A leaf never
-- waits for itself: a standard that is a prerequisite of its own cluster
-- comes before the other standards of the cluster.
CREATE TABLE own_cluster AS
SELECT skill_graph_agg(s, t, r) AS g FROM (VALUES
	('a', 'U', 'part_of'), ('b', 'U', 'part_of'), ('c', 'U', 'part_of'),
	('a', 'U', 'prerequisite')) v(s, t, r);
SELECT ready_skills(g, '{}', 3) FROM own_cluster;
SELECT p.* FROM own_cluster, learning_path(g, '{}', 'U', 3) p;
-- a standard under both ends of a prerequisite between clusters (x is in P
-- and in U, P is a prerequisite of U): x waits for the rest of P, the rest
-- of U waits for all of P
CREATE TABLE shared_standard AS
SELECT skill_graph_agg(s, t, r) AS g FROM (VALUES
	('a', 'P', 'part_of'), ('x', 'P', 'part_of'), ('x', 'U', 'part_of'), ('b', 'U', 'part_of'),
	('P', 'U', 'prerequisite')) v(s, t, r);
SELECT ready_skills(g, '{}', 3) FROM shared_standard;
SELECT ready_skills(g, learner('{"a": {"mastery": 4, "out_of": 4}}'), 3) FROM shared_standard;
SELECT p.* FROM shared_standard, learning_path(g, '{}', 'U', 3) p;
SELECT learning_path_to_dot(g, learner('{"a": {"mastery": 4, "out_of": 4}}'), 'U', 3) FROM shared_standard;
SELECT skill_graph_to_dot(g, learner('{"a": {"mastery": 4, "out_of": 4}}'), 3) FROM shared_standard;
-- a cluster that is a prerequisite of the domain above it: its one standard
-- first, then the domain's other standard
CREATE TABLE cluster_before_domain AS
SELECT skill_graph_agg(s, t, r) AS g FROM (VALUES
	('c1', 'C', 'part_of'), ('C', 'D', 'part_of'), ('d1', 'D', 'part_of'),
	('C', 'D', 'prerequisite')) v(s, t, r);
SELECT p.* FROM cluster_before_domain, learning_path(g, '{}', 'D', 3) p;
-- Two standards under both ends wait for each other: an error naming the loop
SELECT ready_skills(skill_graph_agg(s, t, r), '{}', 3) FROM (VALUES
	('a', 'P', 'part_of'), ('x', 'P', 'part_of'), ('y', 'P', 'part_of'),
	('x', 'U', 'part_of'), ('y', 'U', 'part_of'), ('b', 'U', 'part_of'),
	('P', 'U', 'prerequisite')) v(s, t, r);
-- X before the cluster A, and a standard of A before X
SELECT learning_path(skill_graph_agg(s, t, r), '{}', 'A', 3) FROM (VALUES
	('a1', 'A', 'part_of'), ('a2', 'A', 'part_of'), ('X', 'A', 'prerequisite'),
	('a2', 'X', 'prerequisite'), ('w', 'a1', 'prerequisite')) v(s, t, r);
