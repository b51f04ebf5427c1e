"""Peers grade each other on the rubric: share links, blind grading, self-assessment, comparison, practice.

Library only (no Flask). Modules: models (tables on the shared Base), tokens (share-link secrets,
stored as SHA-256), forms (a rubric form and the Grade built from it), compare (self vs peers vs
machines per criterion, ORA2's median), practice (gold example answers from the bank), service
(PeerService: every read and write, scoped by the link or by the loop's owner).

Nothing is imported here: the migration environment imports `simulator.peers.models` on every
`open_database`, and that must stay cheap.
"""
