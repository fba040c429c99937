"""RENDER: turn planned outputs into file contents (no disk writes except ruff's scratch dir)."""
