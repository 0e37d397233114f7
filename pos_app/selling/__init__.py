"""Selling: the rules of a sale that involve people (a manager's approval of a discount or a price), above the store."""

from pos_app.selling.terms import CartTerms, percent_to_bp

__all__ = ["CartTerms", "percent_to_bp"]
