"""Workspace configuration: settings (tandem.yaml), the workspace layout and survey codebooks."""
