"""Text utilities shared by matching and classification (script folding)."""
