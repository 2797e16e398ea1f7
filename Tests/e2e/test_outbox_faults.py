"""The outbox under faults, with real `engage worker` processes and a real SMTP server on loopback:
a worker killed with SIGKILL in the middle of 1,000 messages and restarted delivers every one, with
duplicates (same Message-ID) at most the messages it had in flight; two workers draining the same
1,000 messages deliver each exactly once."""

import collections
import glob
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

ENGAGE = os.environ.get("E2E_ENGAGE", ".build/debug/engage")
DB_DIR = os.environ.get("E2E_DB_DIR", "")
DATABASE_URL = os.environ.get("E2E_FAULTS_DATABASE_URL", "")
SINK = os.path.join(os.path.dirname(__file__), "..", "..", ".ci", "lib", "smtp_sink.py")
COUNT = 1000


def sql(statement):
    """Runs SQL on the faults database as the server's root (socket) and returns the rows."""
    output = subprocess.run(
        ["bash", ".ci/lib/mariadb.sh", "sql", DB_DIR, "-N", "-B", "engage_faults", "-e", statement],
        check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in output.splitlines()]


class OutboxFaultsTest(unittest.TestCase):
    def setUp(self):
        self.directory = tempfile.mkdtemp(prefix="engage-faults-")
        self.sink = subprocess.Popen(["/usr/bin/python3", SINK, self.directory])
        self.addCleanup(self.stop_sink)  # also when the rest of setUp fails
        port_file = os.path.join(self.directory, "port")
        for _ in range(100):
            if os.path.exists(port_file):
                break
            time.sleep(0.1)
        with open(port_file) as file:
            self.port = int(file.read())
        self.environment = {
            **os.environ, "ENGAGE_DATABASE_URL": DATABASE_URL, "ENGAGE_SMTP_URL": f"smtp://127.0.0.1:{self.port}",
            "ENGAGE_OUTBOX_LEASE_SECONDS": "10", "ENGAGE_OUTBOX_BATCH": "200", "ENGAGE_LOG_LEVEL": "warning",
        }
        migrated = subprocess.run([ENGAGE, "migrate"], env=self.environment, capture_output=True, text=True)
        self.assertEqual(migrated.returncode, 0, migrated.stderr)
        sql("DELETE FROM outbox_messages")
        sql(f"""INSERT INTO outbox_messages (channel, purpose, language, message_id, recipient, subject, text_body, html_body,
                    next_attempt_at, created_at, updated_at)
                SELECT 'email', 'quote_notification', 'en', CONCAT(UUID(), '@faults.test'), CONCAT('r', seq, '@example.com'),
                    CONCAT('Message ', seq), 'Hello', '<p>Hello</p>', UTC_TIMESTAMP(6), UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)
                FROM seq_1_to_{COUNT}""")
        self.workers = []

    def tearDown(self):
        for worker in self.workers:
            if worker.poll() is None:
                worker.kill()
            worker.wait()

    def stop_sink(self):
        self.sink.kill()
        self.sink.wait()
        shutil.rmtree(self.directory, ignore_errors=True)

    def start_worker(self, **settings):
        worker = subprocess.Popen([ENGAGE, "worker"], env={**self.environment, **settings})
        self.workers.append(worker)
        return worker

    def message_ids(self):
        ids = []
        for path in glob.glob(os.path.join(self.directory, "*.eml")):
            with open(path, "rb") as file:
                for line in file:
                    if line.lower().startswith(b"message-id:"):
                        ids.append(line.split(b":", 1)[1].strip().decode())
                        break
        return ids

    def wait_for_all(self, seconds):
        deadline = time.time() + seconds
        while time.time() < deadline:
            if sql("SELECT COUNT(*) FROM outbox_messages WHERE status <> 'sent'")[0][0] == "0":
                return
            time.sleep(0.2)
        self.fail("the outbox was not drained: " + repr(sql("SELECT status, COUNT(*) FROM outbox_messages GROUP BY status")))

    def test_killed_worker_restarted_delivers_everything(self):
        worker = self.start_worker()
        while len(glob.glob(os.path.join(self.directory, "*.eml"))) < 300:
            time.sleep(0.01)
            self.assertIsNone(worker.poll(), "the worker stopped by itself")
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        # Leased to the dead worker and not marked sent (a batch of 200 makes a kill between batches rare):
        # some of these may have reached the sink already.
        in_flight = int(sql("SELECT COUNT(*) FROM outbox_messages WHERE status = 'sending'")[0][0])
        self.assertLess(int(sql("SELECT COUNT(*) FROM outbox_messages WHERE status = 'sent'")[0][0]), COUNT)

        self.start_worker()
        self.wait_for_all(seconds=60)  # the dead worker's leases end after 10 seconds
        ids = self.message_ids()
        expected = {row[0] for row in sql("SELECT CONCAT('<', message_id, '>') FROM outbox_messages")}
        self.assertEqual(set(ids), expected, "every message arrives")
        duplicates = len(ids) - len(set(ids))
        self.assertLessEqual(duplicates, in_flight)
        print(f"\nkill -9: {in_flight} in flight at the kill, {duplicates} delivered twice", flush=True)

    def test_two_workers_never_deliver_twice(self):
        # Both workers are up and polling before anything is due, and claim small batches, so that
        # neither can drain the outbox alone before the other starts: they contend for every batch.
        sql("UPDATE outbox_messages SET next_attempt_at = UTC_TIMESTAMP(6) + INTERVAL 2 SECOND")
        self.start_worker(ENGAGE_OUTBOX_BATCH="10")
        self.start_worker(ENGAGE_OUTBOX_BATCH="10")
        self.wait_for_all(seconds=60)
        ids = self.message_ids()
        twice = [i.strip("<>") for i, n in collections.Counter(ids).items() if n > 1]
        rows = sql("SELECT message_id, attempts, locked_by, status FROM outbox_messages WHERE message_id IN ('" + "','".join(twice) + "')") if twice else []
        self.assertEqual(len(ids), COUNT, rows)
        self.assertEqual(len(set(ids)), COUNT, rows)
        senders = sql("SELECT locked_by, COUNT(*) FROM outbox_messages GROUP BY locked_by")
        self.assertEqual(len(senders), 2, f"both workers sent a share: {senders}")
        print(f"\ntwo workers: {senders}", flush=True)


if __name__ == "__main__":
    unittest.main()
