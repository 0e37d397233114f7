"""Staff: users with a PIN and a role, log-in with a lock-out, and a manager's approval for one action."""

from pos_app.staff.service import Approval, ApprovalRequired, PinHasher, PinRefused, StaffService

__all__ = ["Approval", "ApprovalRequired", "PinHasher", "PinRefused", "StaffService"]
