"""Oui Engage on a three-node MariaDB Galera cluster, with real processes: three app nodes (server and
worker each) behind HAProxy, a real SMTP server on loopback, and the Galera node they all write through
killed with SIGKILL in the middle of the traffic, then restarted (IST). Run by .ci/lib/cluster-test.sh, which starts the cluster
(three app nodes at once on an empty cluster) and stops it; the tests run in name order."""

import collections
import http.client
import json
import os
import re
import subprocess
import sys
import threading
import time
import unittest
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "e2e"))
import webdriver  # noqa: E402  (the e2e tests' WebDriver client)

DIR = os.environ["CLUSTER_DIR"]
DB_BASE = int(os.environ["CLUSTER_DB_BASE"])
PORT = int(os.environ["CLUSTER_HTTP_PORT"])
BASE = f"http://127.0.0.1:{PORT}"
TOKEN = os.environ["CLUSTER_API_KEY"]
EMAIL = os.environ["CLUSTER_EMAIL"]
PASSWORD = os.environ["CLUSTER_PASSWORD"]
MAIL_DIR = os.environ["CLUSTER_MAIL_DIR"]
MESSAGES = int(os.environ.get("CLUSTER_MESSAGES", "3000"))
PIXEL_HITS = int(os.environ.get("CLUSTER_PIXEL_HITS", "30000"))
DOCUMENTS = 30


def sql(statement, node=2):
    """Runs SQL as root on one Galera node (socket; node 2, which the tests never kill) and returns the rows."""
    output = subprocess.run(
        ["bash", ".ci/lib/mariadb.sh", "sql", f"{DIR}/galera/node{node}", "-N", "-B", "engage", "-e", statement],
        check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in output.splitlines()]


def galera(*arguments):
    subprocess.run(["bash", ".ci/lib/galera.sh", arguments[0], f"{DIR}/galera", *arguments[1:]], check=True)


def api(method, path, body=None):
    request = urllib.request.Request(
        BASE + path, method=method, data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"})
    for attempt in range(20):
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.load(response)["data"]
        except (urllib.error.HTTPError, urllib.error.URLError, ConnectionError) as error:
            # A node failing over answers 5xx for the requests it had in flight: the client tries again.
            if isinstance(error, urllib.error.HTTPError) and error.code < 500:
                raise
            time.sleep(0.2)
    raise AssertionError(f"{method} {path} kept failing")


def delivered_messages():
    """{Message-ID: [files]} of what the SMTP sink received."""
    copies = collections.defaultdict(list)
    for name in sorted(os.listdir(MAIL_DIR)):
        if name.endswith(".eml"):
            copies[headers(os.path.join(MAIL_DIR, name), b"message-id").strip("<>")].append(name)
    return copies


def headers(path, name):
    """The first header called `name` (lower case) of a stored message."""
    path = path if os.path.isabs(path) else os.path.join(MAIL_DIR, path)
    with open(path, "rb") as file:
        for line in file:
            if line.lower().startswith(name + b":"):
                return line.split(b":", 1)[1].strip().decode()
    return ""


def metrics(port):
    """A process's Prometheus metrics as {series: value}."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
        text = response.read().decode()
    series = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            series[name] = float(value)
    return series


class Traffic:
    """Calls spread over `threads` keep-alive connections through HAProxy; a call that fails (connection
    lost, 5xx) is tried again. Counts the 2xx answers per key."""

    def __init__(self, threads):
        self.threads = threads
        self.answered = collections.Counter()
        self.retries = 0
        self.reasons = collections.Counter()
        self.slowest = 0.0
        self.done = 0
        self.lock = threading.Lock()

    def run(self, calls):
        """`calls`: (key, method, path, body) tuples, shared round-robin between the threads."""
        shares = [calls[i::self.threads] for i in range(self.threads)]
        workers = [threading.Thread(target=self._work, args=(share,)) for share in shares]
        for worker in workers:
            worker.start()
        return workers

    def _work(self, share):
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"}
        for key, method, path, body in share:
            for attempt in range(50):
                try:
                    started = time.monotonic()
                    connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
                    response = connection.getresponse()
                    response.read()
                    self.slowest = max(self.slowest, time.monotonic() - started)
                    if 200 <= response.status < 300:
                        with self.lock:
                            self.answered[key] += 1
                            self.done += 1
                        break
                    if response.status < 500:
                        raise AssertionError(f"{method} {path}: {response.status}")
                    reason = str(response.status)
                except (http.client.HTTPException, OSError) as error:
                    reason = type(error).__name__
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
                with self.lock:
                    self.retries += 1
                    self.reasons[reason] += 1
                time.sleep(0.05)
            else:
                raise AssertionError(f"{method} {path} kept failing")
        connection.close()


class ClusterTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.documents = []
        for number in range(DOCUMENTS):
            document = api("POST", "/api/v1/document-engagements", {
                "document_type": "pennylane_quote", "title": f"Cluster quote {number}", "total_amount": 100 + number,
                "recipient_email": f"client{number}@example.com", "recipient_name": f"Client {number}"})
            cls.documents.append(document["id"])

    def kill_and_restart(self, node, traffic, after, total):
        """SIGKILLs Galera node `node` once `after` calls are answered, waits a little, restarts it (IST)."""
        while traffic.done < after:
            time.sleep(0.01)
        galera("kill", str(node))
        killed_at = traffic.done
        time.sleep(3)
        galera("restart", str(DB_BASE), str(node))
        galera("wait", str(DB_BASE), "3")
        # It caught up from where it stopped (IST), not from nothing (a full copy).
        # The server log quotes statements cut at a byte count, which may split a character.
        with open(f"{DIR}/galera/node{node}/mariadbd.log", encoding="utf-8", errors="replace") as log:
            ranges = re.findall(r"Prepared IST receiver for (\d+)-(\d+)", log.read())
        self.assertTrue(ranges and int(ranges[-1][0]) > 0, f"node {node} rejoined by IST: {ranges[-1:]}")
        return killed_at

    def test_1_migrations_ran_once(self):
        files = sorted(name for name in os.listdir("Migrations") if name.endswith(".sql"))
        recorded = sql("SELECT COUNT(*) FROM schema_migrations")[0][0]
        self.assertEqual(int(recorded), len(files))
        applied = collections.Counter()
        for node in (1, 2, 3):
            with open(f"{DIR}/app{node}.log", encoding="utf-8", errors="replace") as log:
                for line in log:
                    if '"applied migration"' in line:
                        applied[json.loads(line)["migration"]] += 1
        self.assertEqual(sorted(applied), files, "every migration applied")
        self.assertEqual(set(applied.values()), {1}, "and each by one node only")

    def test_2_messages_delivered_exactly_once_through_a_node_failure(self):
        calls = [(i, "POST", f"/api/v1/document-engagements/{self.documents[i % DOCUMENTS]}/send", {"channel": "email"})
                 for i in range(MESSAGES)]
        traffic = Traffic(threads=8)
        workers = traffic.run(calls)
        killed_at = self.kill_and_restart(1, traffic, after=MESSAGES // 3, total=MESSAGES)
        for worker in workers:
            worker.join()
        self.assertEqual(traffic.done, MESSAGES)
        queued = int(sql("SELECT COUNT(*) FROM outbox_messages WHERE purpose <> 'signed_confirmation'")[0][0])
        self.assertGreaterEqual(queued, MESSAGES, "every accepted send queued its message")
        deadline = time.time() + 180
        while time.time() < deadline and sql("SELECT COUNT(*) FROM outbox_messages WHERE status <> 'sent'")[0][0] != "0":
            time.sleep(0.5)
        self.assertEqual(sql("SELECT status, COUNT(*) FROM outbox_messages GROUP BY status"), [["sent", str(queued)]])
        copies = delivered_messages()
        delivered = collections.Counter({message_id: len(files) for message_id, files in copies.items()})
        expected = {row[0] for row in sql("SELECT message_id FROM outbox_messages")}
        self.assertEqual(set(delivered), expected, "every message reached the SMTP server")
        twice = {i: [(f, headers(f, b"date")) for f in copies[i]] for i, n in delivered.items() if n > 1}
        self.assertEqual(twice, {}, "and none twice")
        senders = sql("SELECT SUBSTRING_INDEX(locked_by, ':', 2), COUNT(*) FROM outbox_messages GROUP BY 1")
        claims = conflicts = unconfirmed = 0
        for node in (1, 2, 3):
            worker = metrics(PORT + 20 + node)
            claims += worker.get('engage_queue_claims_total{queue="outbox"}', 0)
            conflicts += worker.get('engage_db_conflict_retries_total{unit="outbox_claim"}', 0)
            unconfirmed += worker.get('engage_queue_claims_unconfirmed_total{queue="outbox"}', 0)
        self.assertGreater(claims, 0)
        print(f"\n{MESSAGES} sends ({traffic.retries} retried by the client {dict(traffic.reasons)}; node 1, the writer, killed after {killed_at}), "
              f"{queued} messages, each delivered once; sent by {senders}; outbox claims {claims:.0f}, "
              f"certification conflicts retried {conflicts:.0f} ({100 * conflicts / claims:.1f}%), "
              f"claimed messages not confirmed once committed (left to their holder) {unconfirmed:.0f}", flush=True)

    def test_3_every_answered_pixel_has_its_event_and_chains_verify(self):
        pixels = {}
        for document in self.documents:
            created = api("POST", f"/api/v1/document-engagements/{document}/tokens", {"allowed_actions": ["view"]})
            pixels[document] = "/" + created["pixel_url"].split("/", 3)[3]
        before = {int(d): int(n) for d, n in sql(
            "SELECT document_id, COUNT(*) FROM document_events WHERE event_type = 'email_opened' GROUP BY document_id")}
        calls = [(d, "GET", pixels[d], None) for i in range(PIXEL_HITS) for d in [self.documents[i % DOCUMENTS]]]
        traffic = Traffic(threads=16)
        workers = traffic.run(calls)
        killed_at = self.kill_and_restart(1, traffic, after=PIXEL_HITS // 3, total=PIXEL_HITS)
        for worker in workers:
            worker.join()
        self.assertEqual(traffic.done, PIXEL_HITS)
        stored = {int(d): int(n) - before.get(int(d), 0) for d, n in sql(
            "SELECT document_id, COUNT(*) FROM document_events WHERE event_type = 'email_opened' GROUP BY document_id")}
        for document in self.documents:
            answered = traffic.answered[document]
            self.assertGreaterEqual(stored.get(document, 0), answered, f"document {document}: every 200 has its event")
            # A request whose answer was lost with its node may have been stored and then retried.
            self.assertLessEqual(stored.get(document, 0), answered + traffic.retries)
        for document in self.documents:
            trail = api("GET", f"/api/v1/document-engagements/{document}/audit-trail")
            self.assertTrue(trail["verified"], f"document {document}'s chain verifies")
        extra = sum(stored.values()) - PIXEL_HITS
        print(f"\n{PIXEL_HITS} pixel hits ({traffic.retries} retried by the client {dict(traffic.reasons)}; node 1, the writer, killed after {killed_at}), "
              f"{sum(stored.values())} events ({extra} from retried requests whose answer was lost), {DOCUMENTS} chains verify; "
              f"slowest answer {traffic.slowest:.1f} s",
              flush=True)

    def test_5_metrics_per_node(self):
        for node in (1, 2, 3):
            server = metrics(PORT + 10 + node)
            pixel = [v for k, v in server.items()
                     if k.startswith("hb_requests{") and 'http_route="/t/{pixel}"' in k and 'http_response_status_code="200"' in k]
            self.assertTrue(pixel and pixel[0] > 0, f"node {node} counts pixel requests by route pattern and status")
            self.assertTrue(any(k.startswith("http_server_request_duration_bucket{") for k in server), "latency histograms")
            self.assertGreater(server.get("engage_event_batch_size_count", 0), 0, "event batch sizes")
            self.assertIn('engage_db_pool_connections{state="in_use"}', server)
            self.assertEqual(server['engage_outbox_messages{status="queued"}'], 0, "the queue drained")
            self.assertEqual(server["engage_outbox_oldest_due_seconds"], 0)
        batches = server["engage_event_batch_size_count"]
        print(f"\nnode 3 wrote {server['engage_event_batch_size_sum']:.0f} events in {batches:.0f} batches", flush=True)

    def test_6_backup_under_traffic_restores_every_acknowledged_event(self):
        pixels = {}
        for document in self.documents:
            created = api("POST", f"/api/v1/document-engagements/{document}/tokens", {"allowed_actions": ["view"]})
            pixels[document] = "/" + created["pixel_url"].split("/", 3)[3]
        count = "SELECT document_id, COUNT(*) FROM document_events WHERE event_type = 'email_opened' GROUP BY document_id"
        before = {int(d): int(n) for d, n in sql(count)}
        hits = PIXEL_HITS // 5
        traffic = Traffic(threads=8)
        workers = traffic.run([(d, "GET", pixels[d], None) for i in range(hits) for d in [self.documents[i % DOCUMENTS]]])
        while traffic.done < hits // 3:
            time.sleep(0.01)
        with traffic.lock:
            acknowledged = dict(traffic.answered)
        # A causal read makes node 2 apply everything committed so far before the copy starts.
        sql("SET SESSION wsrep_sync_wait = 1; SELECT COUNT(*) FROM document_events")
        backup, restored = f"{DIR}/backup", f"{DIR}/restored"
        subprocess.run(["rm", "-rf", backup, restored], check=True)
        node = f"{DIR}/galera/node2"
        subprocess.run(["mariadb-backup", "--no-defaults", "--backup", "--galera-info", f"--target-dir={backup}",
                        f"--socket={node}/mariadb.sock", f"--datadir={node}/data", "--user=root"], check=True, capture_output=True)
        done_at_backup_end = traffic.done
        subprocess.run(["mariadb-backup", "--prepare", f"--target-dir={backup}"], check=True, capture_output=True)
        for worker in workers:
            worker.join()
        subprocess.run(["mariadb-backup", "--copy-back", f"--target-dir={backup}", f"--datadir={restored}/data"],
                       check=True, capture_output=True)
        port = DB_BASE + 50
        subprocess.run(["bash", ".ci/lib/mariadb.sh", "start", restored, str(port)], check=True)
        self.addCleanup(subprocess.run, ["bash", ".ci/lib/mariadb.sh", "stop", restored])
        # The app on the restored server: one node, the same secrets, a port of its own.
        with open(f"{DIR}/app.password") as file:
            password = file.read().strip()
        app_port = PORT + 50
        log = open(f"{DIR}/restored-app.log", "w")
        server = subprocess.Popen(
            ["bash", ".ci/lib/cluster.sh", "run", DIR, "1", "env", f"ENGAGE_DATABASE_URL=mariadb://engage:{password}@127.0.0.1:{port}/engage",
             f"ENGAGE_HTTP_PORT={app_port}", "ENGAGE_METRICS_PORT=", "ENGAGE_LOG_FORMAT=text", ".build/debug/engage", "serve", "--no-worker"],
            stdout=subprocess.DEVNULL, stderr=log)
        self.addCleanup(lambda: (server.terminate(), server.wait(), log.close()))
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{app_port}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        restored_counts = {int(d): int(n) for d, n in (line.split("\t") for line in subprocess.run(
            ["bash", ".ci/lib/mariadb.sh", "sql", restored, "-N", "-B", "engage", "-e", count],
            check=True, capture_output=True, text=True).stdout.splitlines())}
        for document in self.documents:
            stored = restored_counts.get(document, 0) - before.get(document, 0)
            self.assertGreaterEqual(stored, acknowledged.get(document, 0), f"document {document}: every event acknowledged before the backup")
            with urllib.request.urlopen(urllib.request.Request(
                    f"http://127.0.0.1:{app_port}/api/v1/document-engagements/{document}/audit-trail",
                    headers={"Authorization": f"Bearer {TOKEN}"}), timeout=30) as response:
                self.assertTrue(json.load(response)["data"]["verified"], f"document {document}'s chain verifies after the restore")
        print(f"\nbackup of node 2 under traffic: {sum(acknowledged.values())} events acknowledged before it began, "
              f"{sum(restored_counts.values()) - sum(before.values())} restored ({done_at_backup_end} answered when it ended), "
              f"{DOCUMENTS} chains verify on the restored server", flush=True)

    def test_4_portal_session_works_whichever_node_answers(self):
        webdriver.BASE, webdriver.EMAIL, webdriver.PASSWORD = BASE, EMAIL, PASSWORD
        with webdriver.Browser() as browser:
            webdriver.sign_in(browser)
            nodes = collections.Counter()
            pages = ["/documents", "/contacts", "/organizations", "/outbox", "/account", "/"] * 2
            for page in pages:
                browser.open(BASE + page)
                self.assertNotIn("Sign in", browser.title, f"{page} asked to sign in again")
                # The same request from inside the page, to read which node answered it.
                answer = browser.run_async(
                    "const done = arguments[arguments.length - 1];"
                    "fetch(arguments[0], {redirect: 'manual'}).then(r => done([r.status, r.headers.get('X-Engage-Node')]),"
                    " e => done(['failed', String(e)]));", BASE + page)
                self.assertEqual(answer[0], 200, f"{page}: {answer}")
                nodes[answer[1]] += 1
            browser.screenshot(os.path.join(webdriver.SHOTS, "cluster-documents.png"))
            self.assertGreaterEqual(len(nodes), 2, f"pages came from several nodes: {nodes}")
            print(f"\nsigned-in pages served by {dict(nodes)}", flush=True)


if __name__ == "__main__":
    unittest.main()
