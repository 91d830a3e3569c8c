"""Gadgets: one per module, each with an off-circuit twin (plain Python on ints)."""
