"""Workbooks read by tools that are not ours: openpyxl (PyPI) reads the analytics export and the
documents list as typed cells, and LibreOffice converts them headless without complaint."""

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


if __name__ == "__main__":
    unittest.main()
