"""SPECIMEN documents rendered by the project, with realistic degradations, for tests."""
