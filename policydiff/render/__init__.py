"""Renderers: one Comparison -> JSON (json.py, the policydiff.diff/1 contract), terminal
text (text.py, `policydiff diff`), HTML (html.py), Markdown (markdown.py).

Functional core: they return strings; templates and static files are package data.
"""
