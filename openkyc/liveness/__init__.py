"""Liveness: server-issued challenges (state), video verification, passive analysis, replays."""
