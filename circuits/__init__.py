"""zkvct's circuits: gadgets (``circuits.gadgets``) and identity statements (``circuits.statements``)
written in the :mod:`zkvct.dsl` DSL. Every gadget module holds the in-circuit function and an
off-circuit Python twin that computes the same value, so tests can compare them."""
