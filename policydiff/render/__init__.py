"""Renderers: one Comparison -> JSON (json.py), HTML (html.py), Markdown (markdown.py).

Functional core: they return strings; templates and static files are package data.
"""
