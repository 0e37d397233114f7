"""How the endpoint answers the staff checks a service makes: nobody logged in 401, a manager's PIN wanted 403.

{"error": {"code": "login_required" | "approval_required" (with "action") | "pin_refused", "message"}},
registered on each blueprint whose routes act as the person at the till (terms_api, parking_api).
"""

from __future__ import annotations

from flask import Blueprint, jsonify

from pos_app.staff import ApprovalRequired, LoginRequired, PinRefused


def register_staff_refusals(bp: Blueprint) -> None:
    @bp.errorhandler(ApprovalRequired)
    def _approval_required(exc: ApprovalRequired):
        return _refusal("approval_required", str(exc), 403, action=exc.permission.value)

    @bp.errorhandler(LoginRequired)
    def _login_required(exc: LoginRequired):
        return _refusal("login_required", str(exc), 401)

    @bp.errorhandler(PinRefused)
    def _pin_refused(exc: PinRefused):
        return _refusal("pin_refused", str(exc), 403)


def _refusal(code: str, message: str, status: int, **more: str):
    response = jsonify({"error": {"code": code, "message": message, **more}})
    response.status_code = status
    return response
