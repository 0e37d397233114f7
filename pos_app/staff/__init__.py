"""Staff: users with a PIN and a role, log-in with a lock-out, and a manager's approval for one action."""

from pos_app.staff.service import Approval, ApprovalRequired, PinHasher, PinRefused, StaffService
from pos_app.staff.session import LoginRequired, TillSession

__all__ = ["Approval", "ApprovalRequired", "LoginRequired", "PinHasher", "PinRefused", "StaffService", "TillSession"]
