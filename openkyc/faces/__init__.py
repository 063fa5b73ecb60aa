"""Faces: 1:1 face match between a live photo and a document or stored photo."""
