#!/usr/bin/env python3
"""bench_setup_history.py -- why an agency's or a programme's history is
read through setup_change (schema 21) and not through an index on the
audit log.

On an audit log of 1,000,000 rows (a year of redemptions, one row each,
and 50 changes of programmes), with SQLite through Python's sqlite3:
  - the history page's query: scanning the log, against setup_change;
  - the cost of appending 50,000 redemption rows one statement each, as
    the store does: with nothing on audit_log (setup_change's way), with
    a partial index on the setup actions, with a trigger filling
    setup_change. Best of 3, alternated, so that the ratio holds on a
    noisy machine.
No target: the figures are the decision's, printed beside each other.
"""
import os
import sqlite3
import tempfile
import time

ACTIONS = ("('programme.add', 'programme.edit', 'programme.rules', "
           "'agency.add', 'agency.edit')")
H = b"\0" * 32


def build(path):
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE audit_log (id INTEGER PRIMARY KEY, at INTEGER"
               " NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,"
               " object TEXT NOT NULL, detail TEXT NOT NULL, prev_hash BLOB"
               " NOT NULL, hash BLOB NOT NULL) STRICT")
    db.execute("CREATE TABLE setup_change (object TEXT NOT NULL, audit_id"
               " INTEGER NOT NULL, PRIMARY KEY (object, audit_id)) STRICT,"
               " WITHOUT ROWID")
    rows = []
    for i in range(1, 1000001):
        if i % 20000 == 0:
            rows.append((i, i, "admin", "programme.edit",
                         "programme:%d" % (i // 20000 % 3 + 1),
                         '{"changed":{"budget":[1,2]}}', H, H))
        else:
            rows.append((i, i, "terminal:%d" % (i % 200), "redeem",
                         "voucher:%d" % i, '{"outcome":"accepted"}', H, H))
    db.executemany("INSERT INTO audit_log VALUES (?,?,?,?,?,?,?,?)", rows)
    db.execute("INSERT INTO setup_change SELECT object, id FROM audit_log"
               " WHERE action IN " + ACTIONS)
    db.commit()
    return db


def best_ms(fn, n=5):
    t = []
    for _ in range(n):
        s = time.perf_counter()
        fn()
        t.append(time.perf_counter() - s)
    return min(t) * 1000


def main():
    with tempfile.TemporaryDirectory() as d:
        db = build(os.path.join(d, "history.db"))
        scan = ("SELECT at, actor, action, detail FROM audit_log WHERE"
                " object = ?1 AND action IN " + ACTIONS +
                " ORDER BY id DESC LIMIT 200")
        noted = ("SELECT a.at, a.actor, a.action, a.detail FROM setup_change"
                 " c JOIN audit_log a ON a.id = c.audit_id WHERE c.object ="
                 " ?1 ORDER BY c.audit_id DESC LIMIT 200")
        n = len(db.execute(noted, ("programme:2",)).fetchall())
        print("history of a programme (%d changes) in a log of 1,000,000"
              " rows:" % n)
        print("  scanning the log      %8.2f ms" % best_ms(
            lambda: db.execute(scan, ("programme:2",)).fetchall()))
        print("  through setup_change  %8.3f ms" % best_ms(
            lambda: db.execute(noted, ("programme:2",)).fetchall()))

        nxt = [2000000]

        def append(count=50000):
            b = nxt[0]
            nxt[0] += count
            rows = [(b + i, i, "t", "redeem", "voucher:%d" % i, "{}", H, H)
                    for i in range(count)]
            s = time.perf_counter()
            for r in rows:
                db.execute("INSERT INTO audit_log VALUES (?,?,?,?,?,?,?,?)",
                           r)
            db.commit()
            return (time.perf_counter() - s) * 1e6 / count

        index = ("CREATE INDEX audit_log_setup ON audit_log (object, id)"
                 " WHERE action IN " + ACTIONS)
        trigger = ("CREATE TRIGGER audit_setup AFTER INSERT ON audit_log"
                   " WHEN NEW.action IN " + ACTIONS + " BEGIN INSERT INTO"
                   " setup_change VALUES (NEW.object, NEW.id); END")
        got = {"nothing on audit_log": [], "a partial index": [],
               "a trigger": []}
        for _ in range(3):
            got["nothing on audit_log"].append(append())
            db.execute(index)
            got["a partial index"].append(append())
            db.execute("DROP INDEX audit_log_setup")
            db.execute(trigger)
            got["a trigger"].append(append())
            db.execute("DROP TRIGGER audit_setup")
        base = min(got["nothing on audit_log"])
        print("appending a redemption's audit row, one statement each:")
        for k, v in got.items():
            print("  %-22s %6.2f µs a row (%.2f×)" % (k, min(v),
                                                       min(v) / base))
        db.close()


if __name__ == "__main__":
    main()
