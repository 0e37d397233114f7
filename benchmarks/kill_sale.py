"""The kill loop's cashier: rings one sale, pays it split over the HTTP API, and resumes it after a restart.

A plan is the order of tenders (cash, card parts, maybe a void). The cashier sends each cash
tender with its own Idempotency-Key, pays each card part as the card page does (a PaymentMethod
from the test card 4242…, then confirm with the client secret) and completes it. After a restart
it does what a cashier at the till does: looks at what is paid (GET /orders, GET /tenders, GET
/cart), then retries the request that was lost (the same Idempotency-Key), finishes a card part
left open, charges what is left, or voids. Every answer it relies on is checked; what looks wrong
is a violation, not an exception.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from benchmarks.kill_till import TillClient

FLOAT = 10000
CART = {"item1": {"qty": 1}, "item3": {"qty": 2}}  # 35.00 in the demo catalogue
TOTAL = 3500
VISA = "4242424242424242"


@dataclass(frozen=True)
class Step:
    kind: str  # "cash" | "card" | "void"
    amount: int | None = None  # cash: tendered (None: exact); card: the part (None: all that is left)
    instead: Step | None = None  # a void: the tender the customer would have paid with


PLANS: dict[str, list[Step]] = {
    "cash-card": [Step("cash", 1000), Step("card")],
    "card-cash": [Step("card", 1500), Step("cash", 2500)],  # 20.00 left, 25.00 handed over: 5.00 change
    "cash-card-cash": [Step("cash", 1000), Step("card", 1500), Step("cash", 2000)],
    "card-card": [Step("card", 1500), Step("card")],
    "card-card-cash": [Step("card", 1000), Step("card", 1000), Step("cash")],
}


def choose_plan(rng: random.Random, *, void: bool | None = None) -> tuple[str, list[Step]]:
    """A plan, and one time in six the customer changes their mind before the last tender (a void);
    `void` True or False decides that instead of chance."""
    name = rng.choice(sorted(PLANS))
    steps = PLANS[name]
    if void if void is not None else rng.random() < 1 / 6:
        return f"{name[:name.rfind('-')]}-void", [*steps[:-1], Step("void", instead=steps[-1])]
    return name, list(steps)


@dataclass
class Sale:
    """One sale's progress as the cashier knows it (what the till acknowledged)."""

    run: int
    plan: list[Step]
    cart_uuid: str | None = None
    shift_open: bool = False
    rung: bool = False
    done: int = 0  # plan steps acknowledged
    sent: int = -1  # the last plan step whose first request went out
    parts: set[int] = field(default_factory=set)  # tender parts the cashier knows are paid
    intents: dict[int, str] = field(default_factory=dict)  # step index -> its card part's PaymentIntent
    drawer: int = 0  # the cash the cashier put in the drawer less what it gave back
    voided: bool = False
    violations: list[str] = field(default_factory=list)

    def key(self, index: int) -> str:
        return f"kill-loop-{self.run}-step{index}"

    @property
    def finished(self) -> bool:
        return self.voided or (self.rung and self.done == len(self.plan))


class Cashier:
    """Drives a Sale through one till's client; a new Cashier (the same Sale) after each restart."""

    def __init__(self, client: TillClient, sale: Sale) -> None:
        self.client, self.sale = client, sale

    def _ok(self, name: str, method: str, path: str, body: object = None, **headers: str) -> dict:
        status, answer = self.client.till(name, method, path, body, headers or None)
        if status != 200:
            raise RuntimeError(f"{name}: {method} {path} answered {status} {answer}")
        return answer

    # -- selling --------------------------------------------------------------------------------

    def drive(self) -> None:
        sale = self.sale
        if not sale.shift_open:
            if self._ok("GET /shift", "GET", "/shift")["shift"] is None:
                self._ok("shift/open", "POST", "/shift/open", {"float": FLOAT})
            sale.shift_open = True
        if not sale.rung:
            sale.cart_uuid = self._ok("POST /cart", "POST", "/cart", {"items": CART})["uuid"]
            sale.rung = True
        while not sale.finished:
            self._step(sale.done, sale.plan[sale.done])
            sale.done += 1

    def _step(self, index: int, step: Step) -> None:
        self.sale.sent = index
        if step.kind == "cash":
            self._cash(index, step)
        elif step.kind == "card":
            self._card(index, step)
        else:
            self._void()

    def _cash(self, index: int, step: Step) -> None:
        name = f"cash#{index + 1}"
        answer = self._ok(name, "POST", "/tenders/cash", {"tendered": step.amount},
                          **{"Idempotency-Key": self.sale.key(index)})
        tender = answer["tender"]
        if tender["part"] not in self.sale.parts:  # a replayed answer: its cash is in the drawer already
            self.sale.parts.add(tender["part"])
            self.sale.drawer += tender["tendered"] - tender["change"]

    def _card(self, index: int, step: Step) -> None:
        name = f"card#{index + 1}"
        status, prepared = self.client.till(f"{name} create", "POST", "/tenders/card", {"amount": step.amount})
        if status == 409 and self._paid_card_part(index):  # the open part turned out paid as it resumed
            return
        if status != 200:
            raise RuntimeError(f"{name} create answered {status} {prepared}")
        pi = prepared["payment_intent"]
        known = self.sale.intents.setdefault(index, pi)
        if known != pi:
            self.sale.violations.append(f"{name} resumed with another PaymentIntent ({known} then {pi})")
        _, method = self.client.sandbox(f"{name} method", "/v1/payment_methods", {
            "type": "card", "card[number]": VISA, "card[exp_month]": "12", "card[exp_year]": "2034",
            "card[cvc]": "123"})
        _, confirmed = self.client.sandbox(f"{name} confirm", f"/v1/payment_intents/{pi}/confirm", {
            "payment_method": method["id"], "client_secret": prepared["client_secret"]})
        if confirmed.get("status") != "succeeded":
            raise RuntimeError(f"{name} confirm: {confirmed}")
        done = self._ok(f"{name} complete", "POST", "/checkout/complete", {"payment_intent": pi})
        if done.get("tender"):  # a part that leaves some due; the last one answers the order instead
            self.sale.parts.add(done["tender"]["part"])
        elif done.get("order") is None:
            raise RuntimeError(f"{name} complete answered neither a tender nor an order: {done}")

    def _void(self) -> None:
        sale = self._ok("void", "POST", "/tenders/void")
        self.sale.voided = True
        self.sale.parts.clear()
        self.sale.drawer = 0  # every cash tender handed back, as the till's answer says
        live = [t for t in sale["tenders"] if t["status"] in ("pending", "succeeded")]
        if live or sale["paid"]:
            self.sale.violations.append(f"tenders still live after a void: {live}")

    # -- after a restart ------------------------------------------------------------------------

    def resume(self, rng: random.Random) -> str:
        """Look at what the till shows, then carry on (or void); the outcome's name."""
        sale = self.sale
        if sale.rung and self._order() is not None:
            lost = sale.plan[sale.done] if sale.sent == sale.done < len(sale.plan) else None
            if lost is not None and lost.kind == "cash":  # its answer (the change) was lost: ask again
                self._cash(sale.done, lost)
            sale.done = len(sale.plan)
            return "complete at restart"
        if sale.rung:
            if self._void_went_through():
                return "voided (its answer lost)"
            self._check_shown()
            if not sale.voided and rng.random() < 0.2:
                self._void()
                return "voided on resume"
            lost = sale.plan[sale.done] if sale.sent == sale.done < len(sale.plan) else None
            if lost is not None and lost.instead is not None and rng.random() < 0.5:
                sale.plan[sale.done] = lost.instead  # the void's answer was lost; the customer pays after all
            step = sale.plan[sale.done] if sale.done < len(sale.plan) else None
            if step is not None and step.kind == "card" and self._paid_card_part(sale.done):
                sale.done += 1
        self.drive()
        return "voided" if sale.voided else "resumed, completed"

    def _void_went_through(self) -> bool:
        """The void was in flight and the till shows it done (every tender voided): the cashier hands
        back the cash as the screen says, and the sale is voided."""
        sale = self.sale
        lost = sale.plan[sale.done] if sale.sent == sale.done < len(sale.plan) else None
        if lost is None or lost.kind != "void":
            return False
        shown = self._ok("GET /tenders", "GET", "/tenders")
        if not shown["tenders"] or any(t["status"] != "voided" for t in shown["tenders"]) or shown["paid"]:
            return False
        sale.voided = True
        sale.parts.clear()
        sale.drawer = 0
        return True

    def _order(self) -> dict | None:
        orders = self._ok("GET /orders", "GET", "/orders?limit=20")["orders"]
        return next((o for o in orders if o["cart_uuid"] == self.sale.cart_uuid), None)

    def _check_shown(self) -> None:
        """What is paid is shown: every tender the cashier knows as paid, at most one more (the lost
        request's), and the cart frozen exactly while a tender lives."""
        shown = self._ok("GET /tenders", "GET", "/tenders")
        cart = self._ok("GET /cart", "GET", "/cart")
        live = [t for t in shown["tenders"] if t["status"] in ("pending", "succeeded")]
        paid_parts = {t["part"] for t in live if t["status"] == "succeeded"}
        if shown["cart_uuid"] != self.sale.cart_uuid:
            self.sale.violations.append(f"the sale's cart {self.sale.cart_uuid} is gone: {shown['cart_uuid']}")
        if not self.sale.parts <= paid_parts:
            self.sale.violations.append(f"paid tenders {sorted(self.sale.parts - paid_parts)} not shown after restart")
        if len(paid_parts - self.sale.parts) > 1:
            self.sale.violations.append(f"more tenders paid than were asked for: {sorted(paid_parts)}")
        if cart["frozen"] != bool(live):
            self.sale.violations.append(f"cart frozen={cart['frozen']} with {len(live)} live tender(s)")

    def _paid_card_part(self, index: int) -> bool:
        """The step's card part is paid already (recorded at restart, or as it resumed)."""
        shown = self._ok("GET /tenders", "GET", "/tenders")
        for t in shown["tenders"]:
            if t["type"] == "card" and t["status"] == "succeeded" and t["part"] not in self.sale.parts:
                self.sale.parts.add(t["part"])
                self.sale.intents.setdefault(index, t["payment_intent"])
                return True
        return False
