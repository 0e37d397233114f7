"""Selling: the rules of a sale that involve people (a manager's approvals, parked sales), above the store."""

from pos_app.selling.parking import Parking
from pos_app.selling.terms import CartTerms, percent_to_bp

__all__ = ["CartTerms", "Parking", "percent_to_bp"]
