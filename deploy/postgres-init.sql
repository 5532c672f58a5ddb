-- Run by the postgres image on its first start (an empty data volume): the triage bot keeps its
-- conversations (Rasa's tracker store) in a database of its own.
CREATE DATABASE bot;
