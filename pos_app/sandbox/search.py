"""GET /v1/payment_intents/search: the part of Stripe's search query language a till's lookups need.

Supported, as Stripe spells it: `metadata['key']:'value'` (also with double quotes),
`status:'succeeded'`, `currency:'usd'`, `customer:'cus_…'`, numeric `amount` and `created` with
`:`, `>`, `<`, `>=`, `<=`, a leading `-` to negate an exact match, and up to 10 clauses joined by
all AND or all OR (Stripe does not allow mixing them). Results are newest first, paged with
`page` = the previous answer's `next_page`. Unlike Stripe, results are never delayed (Stripe's
search index may lag writes by up to a minute).
"""

from __future__ import annotations

import base64
import re

from pos_app.sandbox import objects
from pos_app.sandbox.calls import Call
from pos_app.sandbox.errors import validation_error
from pos_app.sandbox.forms import Int, List, Str

SEARCH = {"query": Str(required=True), "limit": Int(), "page": Str(), "expand": List(Str())}
MAX_CLAUSES = 10
_STRING_FIELDS = {"status": "$.status", "currency": "$.currency", "customer": "$.customer"}
_NUMBER_FIELDS = {"amount": "json_extract(data, '$.amount')", "created": "created"}
_CLAUSE = re.compile(
    r"""^(?P<neg>-)?(?:metadata\[(?P<mq>['"])(?P<key>[^'"\]]+)(?P=mq)\]|(?P<field>[a-z_]+))"""
    r"""(?P<op>>=|<=|:|>|<)(?:(?P<vq>['"])(?P<text>[^'"]*)(?P=vq)|(?P<number>-?[0-9]+))$""")
PARSE_ERROR = ("We were unable to parse your search query. Try using the format "
               "`metadata[\"key\"]:\"value\"` to query for metadata or `key:\"value\"` to query for "
               "other fields.")


def search(call: Call):
    p = call.params
    where, args = parse(p["query"])
    limit = p.get("limit", 10)
    if not 1 <= limit <= 100:
        raise validation_error("This value must be less than or equal to 100 and greater than or "
                               "equal to 1.", param="limit", code="parameter_invalid_integer")
    if "page" in p:
        created, seq = _read_page(p["page"])
        where = f"({where}) AND (created < ? OR (created = ? AND seq < ?))"
        args = (*args, created, created, seq)
    rows = call.state.records(where, args, "payment_intent", newest_first=True, limit=limit + 1)
    page, has_more = rows[:limit], len(rows) > limit
    item_expand = [e.removeprefix("data.") for e in call.expand]
    if any(not e.startswith("data.") for e in call.expand):
        raise validation_error("Expansions on lists must start with 'data.'.", param="expand")
    return 200, {
        "object": "search_result", "url": "/v1/payment_intents/search", "has_more": has_more,
        "data": [objects.render(call.state, "payment_intent", r, item_expand, caller=call.caller)
                 for r in page],
        "next_page": _write_page(page[-1]) if has_more else None,
    }


def parse(query: str) -> tuple[str, tuple]:
    """A WHERE clause over the objects table (and its args) for a search query."""
    text = query.strip()
    joiners = set(re.findall(r"\s+(AND|OR)\s+", text))
    if len(joiners) > 1:
        raise validation_error("Search queries may not mix AND and OR.", param="query")
    parts = re.split(r"\s+(?:AND|OR)\s+", text) if text else []
    if not parts or len(parts) > MAX_CLAUSES:
        raise validation_error(PARSE_ERROR if not parts else
                               f"A search query may have at most {MAX_CLAUSES} clauses.",
                               param="query")
    sql, args = [], []
    for part in parts:
        clause, values = _clause(part.strip())
        sql.append(clause)
        args.extend(values)
    return f" {joiners.pop() if joiners else 'AND'} ".join(f"({c})" for c in sql), tuple(args)


def _clause(part: str) -> tuple[str, list]:
    match = _CLAUSE.match(part)
    if match is None:
        raise validation_error(PARSE_ERROR, param="query")
    op, neg = match["op"], bool(match["neg"])
    if neg and op != ":":
        raise validation_error(PARSE_ERROR, param="query")
    if match["key"] is not None:
        if match["text"] is None or op != ":":
            raise validation_error(PARSE_ERROR, param="query")
        found = ("id IN (SELECT id FROM metadata WHERE kind = 'payment_intent' AND key = ? AND "
                 "value = ?)")
        return (f"NOT ({found})" if neg else found), [match["key"], match["text"]]
    field = match["field"]
    if field in _STRING_FIELDS:
        if match["text"] is None or op != ":":
            raise validation_error(PARSE_ERROR, param="query")
        return (f"json_extract(data, '{_STRING_FIELDS[field]}') {'!=' if neg else '='} ?",
                [match["text"]])
    if field in _NUMBER_FIELDS:
        raw = match["number"] if match["number"] is not None else match["text"]
        if raw is None or not re.fullmatch(r"-?[0-9]+", raw):
            raise validation_error(PARSE_ERROR, param="query")
        sql_op = {":": "!=" if neg else "="}.get(op, op)
        return f"{_NUMBER_FIELDS[field]} {sql_op} ?", [int(raw)]
    raise validation_error(f"Field `{field}` is an unsupported search field for resource "
                           "`payment_intents`. See https://docs.stripe.com/search#query-fields-for-"
                           "payment-intents for a list of supported fields.", param="query")


def _write_page(record: dict) -> str:
    return base64.urlsafe_b64encode(f"{record['created']}:{record['_seq']}".encode()).decode()


def _read_page(token: str) -> tuple[int, int]:
    try:
        created, seq = base64.urlsafe_b64decode(token.encode()).decode().split(":")
        return int(created), int(seq)
    except (ValueError, UnicodeDecodeError):
        raise validation_error("Invalid page token.", param="page") from None
