"""Workbooks read by tools that are not ours: openpyxl (PyPI) reads the analytics export, the
documents list, a bulk export, a document's events and the organizations as typed cells, and
LibreOffice converts them headless without complaint."""

import csv
import io
import os
import subprocess
import tempfile
import unittest
import urllib.request
from datetime import date, datetime

import openpyxl

from webdriver import BASE, EMAIL, PASSWORD, Browser, api, sign_in


def download(path, headers):
    with urllib.request.urlopen(urllib.request.Request(BASE + path, headers=headers), timeout=60) as response:
        return response.headers, response.read()


def libreoffice_csv(data, directory):
    """The workbook's first sheet as LibreOffice converts it (headless, no repair prompt possible)."""
    source = os.path.join(directory, "export.xlsx")
    with open(source, "wb") as file:
        file.write(data)
    result = subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{directory}/profile",
                             "--convert-to", "csv", "--outdir", directory, source], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    with open(os.path.join(directory, "export.csv"), encoding="utf-8") as file:
        return list(csv.reader(file))


class ExportsTest(unittest.TestCase):
    def setUp(self):
        self.token = api("POST", "/api/v1/auth/token", {"email": EMAIL, "password": PASSWORD})["token"]
        self.auth = {"Authorization": f"Bearer {self.token}"}

    def test_analytics_workbook_matches_the_api(self):
        for index, currency in enumerate(["EUR", "EUR", "USD"]):
            document = api("POST", "/api/v1/document-engagements",
                           {"document_type": "pennylane_invoice", "title": f"Export {index}", "total_amount": 1000.5 + index,
                            "currency": currency}, self.token)
            api("PUT", f"/api/v1/document-engagements/{document['id']}", {"status": "paid" if index else "sent"}, self.token)
        overview = api("GET", "/api/v1/analytics/overview?period=year", token=self.token)

        headers, data = download("/api/v1/analytics/export?format=xlsx&period=year", self.auth)
        self.assertEqual(headers["Content-Type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        book = openpyxl.load_workbook(io.BytesIO(data))
        self.assertEqual(book.sheetnames, ["Overview", "Timeline"])
        sheet = book["Overview"]
        self.assertEqual(sheet.freeze_panes, "A2")
        self.assertEqual([cell.value for cell in sheet[1]], ["name", "value"])
        self.assertTrue(sheet["A1"].font.bold)
        values = {row[0].value: row[1] for row in sheet.iter_rows(min_row=2)}
        self.assertEqual(values["documents"].value, overview["documents"])
        self.assertEqual(values["status.paid"].value, overview["by_status"]["paid"])
        self.assertIsInstance(values["date_from"].value, datetime)
        self.assertEqual(values["date_from"].value.date(), date.fromisoformat(overview["date_from"]))
        for money in overview["financial"]:
            cell = values[f"amount.{money['currency']}.paid"]
            self.assertEqual(cell.number_format, "0.00")
            self.assertAlmostEqual(cell.value, float(money["paid"]), places=2)
        timeline = book["Timeline"]
        self.assertEqual(timeline["A1"].value, "date")
        self.assertEqual(timeline["A2"].number_format, "yyyy-mm-dd")
        self.assertGreater(timeline.column_dimensions["A"].width, 5)

        with tempfile.TemporaryDirectory() as directory:
            rows = libreoffice_csv(data, directory)
        self.assertEqual(rows[0], ["name", "value"])
        self.assertIn(["documents", str(overview["documents"])], rows)

        _, text = download("/api/v1/analytics/export?format=csv&period=year", self.auth)
        table = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
        self.assertEqual(table[0], ["section", "name", "date", "value"])
        self.assertIn(["overview", "documents", "", str(overview["documents"])], table)

    def test_documents_workbook_from_the_portal(self):
        api("POST", "/api/v1/document-engagements", {"document_type": "custom", "title": "Workbook =SUM(A1) <b>", "total_amount": 42,
                                                       "currency": "EUR", "due_date": "2026-12-24"}, self.token)
        with Browser() as b:
            sign_in(b)
            b.open(BASE + "/documents")
            link = b.attribute("a[href^='/documents.xlsx']", "href")
            headers, data = download(link.replace(BASE, "") if link.startswith(BASE) else link, {"Cookie": b.cookie_header()})
        self.assertIn("attachment", headers["Content-Disposition"])
        sheet = openpyxl.load_workbook(io.BytesIO(data))["Documents"]
        header = [cell.value for cell in sheet[1]]
        rows = [dict(zip(header, (cell.value for cell in row))) for row in sheet.iter_rows(min_row=2)]
        mine = next(row for row in rows if row["title"] == "Workbook =SUM(A1) <b>")
        self.assertEqual(mine["total_amount"], 42)
        self.assertIsInstance(mine["id"], int)
        self.assertEqual(mine["due_date"], datetime(2026, 12, 24))
        self.assertIsInstance(mine["created_at"], datetime)
        with tempfile.TemporaryDirectory() as directory:
            converted = libreoffice_csv(data, directory)
        self.assertEqual(converted[0][:3], ["id", "document_number", "document_type"])
        self.assertTrue(any("Workbook =SUM(A1) <b>" in row for row in converted), "text stays text, never a formula")

    def test_bulk_export_events_and_organizations_workbooks(self):
        ids = [api("POST", "/api/v1/document-engagements", {"document_type": "custom", "title": f"Bulk workbook {n}",
                                                             "total_amount": 10 + n}, self.token)["id"] for n in range(3)]
        api("POST", f"/api/v1/document-engagements/{ids[0]}/tokens", {"allowed_actions": ["view"]}, self.token)
        created = api("POST", "/api/v1/document-engagements/bulk/export", {"document_ids": ids[:2], "format": "xlsx"}, self.token)
        self.assertEqual(created["status"], "ready")
        self.assertEqual(created["exported"], 2)
        path = created["download_url"][created["download_url"].index("/api/v1/exports/"):]
        headers, data = download(path, {})  # no credentials: the token is one
        self.assertIn(".xlsx", headers["Content-Disposition"])
        sheet = openpyxl.load_workbook(io.BytesIO(data))["Documents"]
        self.assertEqual(sheet.freeze_panes, "A2")
        self.assertEqual([row[0].value for row in sheet.iter_rows(min_row=2)], ids[:2])
        with tempfile.TemporaryDirectory() as directory:
            self.assertEqual(len(libreoffice_csv(data, directory)), 3)

        with Browser() as b:
            sign_in(b)
            b.open(BASE + f"/documents/{ids[0]}/audit-trail")
            events_link = b.attribute("a[href$='/events.xlsx']", "href")
            cookie = {"Cookie": b.cookie_header()}
            _, events_data = download(events_link.replace(BASE, ""), cookie)
            _, events_csv = download(events_link.replace(BASE, "").replace(".xlsx", ".csv"), cookie)
            b.open(BASE + "/organizations")
            _, organizations_data = download(b.attribute("a[href='/organizations.xlsx']", "href").replace(BASE, ""), cookie)
        trail = api("GET", f"/api/v1/document-engagements/{ids[0]}/audit-trail", token=self.token)
        events = openpyxl.load_workbook(io.BytesIO(events_data))["Events"]
        header = [cell.value for cell in events[1]]
        rows = [dict(zip(header, (cell.value for cell in row))) for row in events.iter_rows(min_row=2)]
        self.assertEqual([row["id"] for row in rows], [event["id"] for event in trail["events"]])
        self.assertEqual([row["event_type"] for row in rows], [event["event_type"] for event in trail["events"]])
        self.assertEqual([row["chain_hash"] for row in rows], [event["chain_hash"] for event in trail["events"]])
        self.assertIsInstance(rows[0]["created_at"], datetime)
        table = list(csv.reader(io.StringIO(events_csv.decode("utf-8-sig"))))
        self.assertEqual(table[0], header)
        self.assertEqual(len(table) - 1, len(rows))
        organizations = openpyxl.load_workbook(io.BytesIO(organizations_data))["Organizations"]
        self.assertEqual(organizations["A1"].value, "id")


if __name__ == "__main__":
    unittest.main()
