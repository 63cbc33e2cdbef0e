"""Catalog: the shared vocabulary (processes, materials) and the resources providers list."""
