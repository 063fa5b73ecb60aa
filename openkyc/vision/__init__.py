"""Pure computer vision for openkyc.

Arrays and bytes in, frozen dataclasses out. Nothing here imports any other part of openkyc,
a web framework, a database or the settings; models load lazily, once per process.
"""
