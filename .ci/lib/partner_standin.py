#!/usr/bin/env python3
"""Pennylane's and ProjectFlow's APIs as Oui Engage reads them, for browser tests, benchmarks and
trying the Sync pages by hand (the Swift tests have their own stand-in, in Hummingbird).

    partner_standin.py PORT [--invoices N] [--approvals N] [--token T] [--delay SECONDS] [--malformed]

Pennylane lives under /pl/v2 (me, quotes, customer_invoices, customers with cursor pagination
and the updated_at/id filters, a quote's update_status), ProjectFlow under /pf (api/v1/me,
api/v1/approvals by page). --delay slows each list page, so a person (or a browser test) can
watch a job's progress bar move; --malformed spoils one invoice and one approval (APR-7: an amount
that is not a number). GET /stats tells how many requests came in per path.
"""
import argparse
import json
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

ARGS = None
COUNTS = Counter()


def invoices(count):
    return [{
        "id": 1000 + i, "label": f"Invoice {i}", "invoice_number": f"F-2026-{i:05d}", "currency": "EUR",
        "amount": f"{100 + i % 900}.50", "deadline": "2026-12-31", "paid": i % 4 == 0,
        "status": "paid" if i % 4 == 0 else "upcoming", "public_file_url": f"https://files.example.com/inv-{i}.pdf",
        "customer": {"id": 1 + i % 50}, "updated_at": "2026-01-10T10:00:00Z",
    } for i in range(1, count + 1)]


def customers(count):
    return [{"id": i, "name": f"Client {i} SARL", "customer_type": "company", "emails": [f"client{i}@example.com"],
             "updated_at": "2026-01-01T00:00:00Z"} for i in range(1, count + 1)]


def approvals(count):
    return [{
        "id": f"APR-{i}", "reference": f"P-{i}", "title": f"Approve phase {i}", "status": "approved" if i % 10 == 0 else "pending",
        "amount": 1200, "currency": "EUR", "due_date": "2026-12-01", "url": f"https://pf.example.com/a/{i}",
        "client": {"id": f"CL-{i % 5}", "name": f"Studio client {i % 5}", "email": f"pf{i % 5}@example.com", "type": "company"},
        "updated_at": "2026-02-01T00:00:00Z",
    } for i in range(1, count + 1)]


DATA = {}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def authorized(self):
        if self.headers.get("Authorization") != f"Bearer {ARGS.token}":
            self.answer(401, {"error": "unauthorized"})
            return False
        return True

    def pennylane_page(self, items, query):
        selected = items
        for rule in json.loads(query.get("filter", ["[]"])[0]):
            field, value = rule["field"], rule["value"]
            if rule["operator"] == "gteq":
                selected = [item for item in selected if item.get(field, "") >= value]
            elif rule["operator"] == "in":
                wanted = {str(v) for v in value}
                selected = [item for item in selected if str(item.get(field)) in wanted]
        limit = min(int(query.get("limit", ["20"])[0]), 100)
        offset = int(query.get("cursor", ["c0"])[0][1:])
        more = offset + limit < len(selected)
        return {"items": selected[offset:offset + limit], "has_more": more, "next_cursor": f"c{offset + limit}" if more else None}

    def do_GET(self):
        url = urlparse(self.path)
        query = parse_qs(url.query)
        COUNTS[url.path] += 1
        if url.path == "/stats":
            return self.answer(200, dict(COUNTS))
        if not self.authorized():
            return
        if url.path in ("/pl/v2/quotes", "/pl/v2/customer_invoices", "/pf/api/v1/approvals") and ARGS.delay:
            time.sleep(ARGS.delay)
        if url.path == "/pl/v2/me":
            return self.answer(200, {"company": {"id": 1, "name": "Atelier Lumière SAS"}})
        if url.path == "/pl/v2/quotes":
            return self.answer(200, self.pennylane_page([], query))
        if url.path == "/pl/v2/customer_invoices":
            return self.answer(200, self.pennylane_page(DATA["invoices"], query))
        if url.path == "/pl/v2/customers":
            return self.answer(200, self.pennylane_page(DATA["customers"], query))
        if url.path == "/pf/api/v1/me":
            return self.answer(200, {"account": {"name": "Studio Nord"}})
        if url.path == "/pf/api/v1/approvals":
            since = query.get("updated_since", [""])[0]
            selected = [item for item in DATA["approvals"] if item["updated_at"] >= since]
            per_page, page = int(query.get("per_page", ["20"])[0]), int(query.get("page", ["1"])[0])
            pages = max(1, -(-len(selected) // per_page))
            return self.answer(200, {"data": selected[(page - 1) * per_page:page * per_page],
                                     "meta": {"page": page, "per_page": per_page, "total_pages": pages, "total": len(selected)}})
        self.answer(404, {"error": "not found"})

    def do_PUT(self):
        url = urlparse(self.path)
        COUNTS[url.path] += 1
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.authorized():
            self.answer(200, {"status": "accepted"})


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("--invoices", type=int, default=250)
    parser.add_argument("--approvals", type=int, default=120)
    parser.add_argument("--token", default="standin-token-0001")
    parser.add_argument("--delay", type=float, default=0)
    parser.add_argument("--malformed", action="store_true")
    ARGS = parser.parse_args()
    DATA.update(invoices=invoices(ARGS.invoices), customers=customers(50), approvals=approvals(ARGS.approvals))
    if ARGS.malformed:
        for items in (DATA["invoices"], DATA["approvals"]):
            if len(items) >= 7:
                items[6]["amount"] = "lots"
    ThreadingHTTPServer(("127.0.0.1", ARGS.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
