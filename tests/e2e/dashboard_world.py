#!/usr/bin/env python3
"""dashboard_world.py -- a year of data for the dashboard, and its figures computed again from SQL.

    dashboard_world.py gen DB
        Fill the database DB (made by passnum-admin init --demo: programme
        1, agency 1, user 1) with a year of raw rows: three programmes,
        five agencies and booklets issued without one, 30 communes (a few
        with 1 to 4 people), five age bands (one of 3 people), three
        pathways, 12 venues, six themes, sessions over 2026; vouchers used
        (accepted redemptions, some paid), outstanding, expired, cancelled;
        conflicts that lost, disputes open and decided; two booklets whose
        serials are not consecutive.

    dashboard_world.py check DB PROGRAMME PERIOD CSV PAGE [MIN]
        Compute every figure of the dashboard of PROGRAMME over PERIOD
        ("2026", "2026-T2", "2026-03" or "2026-01-10:2026-06-30") from DB
        with its own SQL, independently of passnum's code, and compare
        with the CSV (GET /pilotage.csv, every table) and the page (GET
        /pilotage). Withheld cells must be withheld for the right reason,
        never show a line of 1 to MIN - 1 people, and never be the only
        one withheld of a table whose total shows. Exit 1 with "# "
        lines saying what differs.
"""
import datetime
import random
import re
import sqlite3
import sys
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet",
          "août", "septembre", "octobre", "novembre", "décembre"]
PATHWAYS = {"rsa": "RSA", "revenu-jeunes": "Revenu jeunes", "other": "Autre"}


def paris(y, m, d):
    return int(datetime.datetime(y, m, d, tzinfo=PARIS).timestamp())


def gen(path):
    rnd = random.Random(2026)
    db = sqlite3.connect(path)
    c = db.cursor()
    c.execute("PRAGMA foreign_keys = ON")
    def top(table):
        return c.execute("SELECT coalesce(max(id), 0) FROM " + table
                         ).fetchone()[0]
    # Beside what the database holds already (programme 1, agency 1...).
    p1, p2 = 1, top("programme") + 1
    p3 = p2 + 1
    c.execute("INSERT INTO programme (id, name, face_value, per_booklet,"
              " validity, territory, budget, max_booklets, created_at)"
              " VALUES (?, 'Pass jeunes 2026', 1500, 6, 'year-end+31',"
              " 'Loire-Atlantique', 90000000, 1, 0),"
              " (?, 'Pass seniors 2026', 2000, 4, 'year-end+31',"
              " 'Loire-Atlantique', 1000000, 1, 0)", (p2, p3))
    a0 = top("agency")
    for i in range(1, 5):
        c.execute("INSERT INTO agency (id, name, kind, commune) VALUES"
                  " (?, ?, 'eds', 'Nantes')", (a0 + i, "EDS n°%d" % i))
    agencies = [None, 1] + [a0 + i for i in range(1, 5)] + [a0 + 4]
    v0, t0, s0 = top("venue"), top("terminal"), top("training_session")
    for i in range(1, 13):
        c.execute("INSERT INTO venue (id, name, siret, address, commune,"
                  " iban, bic, contact, accredited_from, created_at) VALUES"
                  " (?, ?, ?, 'a', 'Nantes', 'FR7630006000011234567890189',"
                  " 'AGRIFRPP', 'x', 0, 0)",
                  (v0 + i, "Lieu <b>%02d</b> & co" % i if i == 7 else
                   "Lieu %02d" % i, "%014d" % (99440143800000 + i)))
        c.execute("INSERT INTO terminal (id, venue_id, public_key, label,"
                  " enrolled_at) VALUES (?, ?, randomblob(32), 'T', 0)",
                  (t0 + i, v0 + i))
    themes = ["prise en main d'un smartphone", "démarches en ligne",
              "e-mail et identité numérique", "sécurité en ligne",
              "traitement de texte", "=SOMME(A1)"]
    year0, year1 = paris(2026, 1, 1), paris(2027, 1, 1)
    sessions = []
    for s in range(1, 601):
        starts = year0 + rnd.randrange(year1 - year0 - 86400 * 3)
        k = 1 + rnd.randrange(12)
        c.execute("INSERT INTO training_session (id, uid, venue_id,"
                  " terminal_id, theme, starts_at, duration_minutes,"
                  " declared_at) VALUES (?, randomblob(16), ?, ?, ?, ?, 90,"
                  " ?)", (s0 + s, v0 + k, t0 + k, rnd.choice(themes),
                          starts, starts))
        sessions.append((s0 + s, v0 + k, t0 + k, starts))
    sessions.sort(key=lambda x: x[3])
    communes = ["Nantes", "Rezé", "Saint-Herblain", "Orvault", "Vertou",
                "Évron", "Bouguenais", "Carquefou"] + \
        ["Commune %02d" % i for i in range(20)]
    tiny = {"Saint-Mars-la-Jaille": 2, "Petit-Auverné": 1}
    people = []
    for i in range(900):
        people.append((rnd.choice(communes), rnd.choice(list(PATHWAYS)),
                       rnd.choice(["16-25", "26-44", "45-59", "60-74"])))
    for name, n in tiny.items():
        people += [(name, "rsa", "26-44")] * n
    people += [("Nantes", "other", "75+")] * 3
    serial = 1 + c.execute("SELECT coalesce(max(serial), 0) FROM voucher"
                           ).fetchone()[0]
    booklet = 1 + c.execute("SELECT coalesce(max(id), 0) FROM booklet"
                            ).fetchone()[0]
    ben = 1 + c.execute("SELECT coalesce(max(id), 0) FROM beneficiary"
                        ).fetchone()[0]
    progs = {p1: (1000, 10), p2: (1500, 6), p3: (2000, 4)}
    committed = {p1: 0, p2: 0, p3: 0}
    redemption = 1 + top("redemption")
    for (commune, pathway, age) in people:
        c.execute("INSERT INTO beneficiary (id, ref_hash, pathway,"
                  " age_band, commune, created_at) VALUES (?, randomblob(32),"
                  " ?, ?, ?, 0)", (ben, pathway, age, commune))
        # Most have one booklet, some two (two programmes, or a later one).
        for _ in range(1 if rnd.random() < 0.8 else 2):
            prog = rnd.choice([p1, p1, p1, p2, p2, p3]) if age != "75+" \
                else p1
            face, per = progs[prog]
            agency = rnd.choice(agencies)
            issued = year0 + rnd.randrange(year1 - year0)
            c.execute("INSERT INTO booklet (id, programme_id, beneficiary_id,"
                      " agency_id, issued_by, issued_at, per_booklet) VALUES"
                      " (?, ?, ?, ?, 1, ?, (SELECT per_booklet FROM programme"
                      " WHERE id = ?2))", (booklet, prog, ben, agency,
                                           issued))
            later = [x for x in sessions if x[3] >= issued]
            for k in range(per):
                d = rnd.random()
                status = "redeemed" if d < 0.35 else "settled" if d < 0.6 \
                    else "issued" if d < 0.75 else "expired" if d < 0.9 \
                    else "cancelled"
                if status in ("redeemed", "settled") and not later:
                    status = "issued"
                c.execute("INSERT INTO voucher (serial, booklet_id,"
                          " programme_id, kid, value, issued_at, expires_at,"
                          " signature, status) VALUES (?, ?, ?, 1, ?, ?, ?,"
                          " zeroblob(64), ?)", (serial, booklet, prog, face,
                                                issued, year1, status))
                committed[prog] += face
                if status in ("redeemed", "settled"):
                    sid, venue, term, starts = rnd.choice(later[:40])
                    c.execute("INSERT INTO redemption (id, redemption_id,"
                              " serial, session_id, terminal_id, venue_id,"
                              " terminal_time, counter, record_signature,"
                              " outcome, value, received_at, answer) VALUES"
                              " (?, randomblob(16), ?, ?, ?, ?, ?, 0,"
                              " zeroblob(64), 'accepted', ?, ?, '')",
                              (redemption, serial, sid, term, venue, starts,
                               face, starts))
                    won = redemption
                    redemption += 1
                    if rnd.random() < 0.05:
                        # A second terminal's record that lost.
                        other = v0 + 1 + (venue - v0) % 12
                        c.execute(
                            "INSERT INTO redemption (id, redemption_id,"
                            " serial, session_id, terminal_id, venue_id,"
                            " terminal_time, counter, record_signature,"
                            " outcome, winner_id, value, received_at,"
                            " answer) VALUES (?, randomblob(16), ?, ?, ?, ?,"
                            " ?, 0, zeroblob(64), 'conflict', ?, ?, ?, '')",
                            (redemption, serial, sid, t0 + other - v0, other,
                             starts, won, face, starts))
                        redemption += 1
                    if rnd.random() < 0.04:
                        upheld = rnd.random() < 0.5
                        c.execute(
                            "INSERT INTO dispute (redemption_id, reason,"
                            " opened_by, opened_at, resolution,"
                            " resolution_note, resolved_by, resolved_at)"
                            " VALUES (?, 'absent', 1, ?, ?, ?, ?, ?)",
                            (won, starts + 86400,
                             "upheld" if upheld else None,
                             "vu" if upheld else None,
                             1 if upheld else None,
                             starts + 2 * 86400 if upheld else None))
                if status == "cancelled":
                    c.execute("UPDATE voucher SET cancelled_at = ?,"
                              " cancel_reason = 'perdu' WHERE serial = ?",
                              (issued + 3600, serial))
                serial += 1
            booklet += 1
        ben += 1
    for prog, cents in committed.items():
        c.execute("UPDATE programme SET committed = committed + ?,"
                  " budget = max(budget, committed + ? + 100000)"
                  " WHERE id = ?", (cents, cents, prog))
    # Two booklets of programme 2 trade a voucher: their serials are no
    # longer consecutive, and the dashboard must find each voucher's
    # booklet another way (its fallback query).
    a, b = [r[0] for r in c.execute(
        "SELECT id FROM booklet WHERE programme_id = ? ORDER BY id LIMIT 2",
        (p2,))]
    sa = c.execute("SELECT min(serial) FROM voucher WHERE booklet_id = ?",
                   (a,)).fetchone()[0]
    sb = c.execute("SELECT min(serial) FROM voucher WHERE booklet_id = ?",
                   (b,)).fetchone()[0]
    for serial_, to in ((sa, b), (sb, a)):
        c.execute("UPDATE voucher SET booklet_id = ?, issued_at ="
                  " (SELECT issued_at FROM booklet WHERE id = ?)"
                  " WHERE serial = ?", (to, to, serial_))
    c.execute("UPDATE serial_counter SET next = ?", (serial,))
    db.commit()
    bad = c.execute("PRAGMA foreign_key_check").fetchall()
    if bad:
        sys.exit("foreign keys broken: %r" % bad[:5])


def period_bounds(text):
    if ":" in text:
        a, b = text.split(":")
        da = datetime.date.fromisoformat(a)
        db = datetime.date.fromisoformat(b) + datetime.timedelta(days=1)
        return paris(da.year, da.month, da.day), paris(db.year, db.month,
                                                        db.day)
    if re.fullmatch(r"\d{4}", text):
        y = int(text)
        return paris(y, 1, 1), paris(y + 1, 1, 1)
    m = re.fullmatch(r"(\d{4})-T(\d)", text)
    if m:
        y, q = int(m[1]), int(m[2])
        end = (y + 1, 1) if q == 4 else (y, q * 3 + 1)
        return paris(y, q * 3 - 2, 1), paris(end[0], end[1], 1)
    m = re.fullmatch(r"(\d{4})-(\d\d)", text)
    y, mo = int(m[1]), int(m[2])
    end = (y + 1, 1) if mo == 12 else (y, mo + 1)
    return paris(y, mo, 1), paris(end[0], end[1], 1)


def month_label(t):
    d = datetime.datetime.fromtimestamp(t, PARIS)
    return "%s %d" % (MONTHS[d.month - 1], d.year)


class Check:
    def __init__(self):
        self.failed = 0

    def eq(self, what, got, want):
        if got != want:
            self.failed += 1
            print("# %s: got %r, want %r" % (what, got, want))

    def true(self, what, cond):
        if not cond:
            self.failed += 1
            print("# " + what)


def euros(cents):
    return "%d,%02d" % (cents // 100, cents % 100)


def rate(part, whole):
    if whole <= 0:
        return ""
    q = (part * 2000 // whole + 1) // 2
    return "%d,%d" % (q // 10, q % 10)


def expected(db, prog, lo, hi):
    """Every table's lines from SQL: {table: {label: (people, issued,
    issued_cents, used, used_cents)}}, and the summary."""
    q = db.execute
    cohort = ("FROM voucher v JOIN booklet b ON b.id = v.booklet_id"
              " JOIN beneficiary be ON be.id = b.beneficiary_id"
              " LEFT JOIN agency a ON a.id = b.agency_id"
              " WHERE v.programme_id = ? AND v.issued_at >= ?"
              " AND v.issued_at < ?")
    figures = (" count(DISTINCT b.beneficiary_id), count(*), sum(v.value),"
               " count(*) FILTER (WHERE v.status IN ('redeemed', 'settled')),"
               " coalesce(sum(v.value) FILTER (WHERE v.status IN"
               " ('redeemed', 'settled')), 0)")
    args = (prog, lo, hi)
    t = {}
    t["Par parcours"] = {PATHWAYS[r[0]]: r[1:] for r in q(
        "SELECT be.pathway," + figures + " " + cohort +
        " GROUP BY be.pathway", args)}
    t["Par tranche d’âge"] = {r[0]: r[1:] for r in q(
        "SELECT be.age_band," + figures + " " + cohort +
        " GROUP BY be.age_band", args)}
    t["Par agence émettrice"] = {r[0]: r[1:] for r in q(
        "SELECT coalesce(a.name, '(sans agence)')," + figures + " " +
        cohort + " GROUP BY b.agency_id", args)}
    t["Par commune"] = {r[0]: r[1:] for r in q(
        "SELECT be.commune," + figures + " " + cohort +
        " GROUP BY be.commune", args)}
    months = {}
    for r in q("SELECT b.id, b.issued_at, b.beneficiary_id, count(*),"
               " sum(v.value), count(*) FILTER (WHERE v.status IN"
               " ('redeemed', 'settled')), coalesce(sum(v.value) FILTER"
               " (WHERE v.status IN ('redeemed', 'settled')), 0) " + cohort +
               " GROUP BY b.id", args):
        m = months.setdefault(month_label(r[1]), [set(), 0, 0, 0, 0])
        m[0].add(r[2])
        for i in range(4):
            m[1 + i] += r[3 + i]
    t["Par mois d’émission"] = {k: (len(v[0]),) + tuple(v[1:])
                                for k, v in months.items()}
    used = ("FROM redemption r JOIN voucher v ON v.serial = r.serial"
            " JOIN booklet b ON b.id = v.booklet_id"
            " JOIN training_session ts ON ts.id = r.session_id"
            " JOIN venue ve ON ve.id = r.venue_id"
            " WHERE r.outcome = 'accepted' AND v.programme_id = ?"
            " AND v.issued_at >= ? AND v.issued_at < ?")
    ufig = (" count(DISTINCT b.beneficiary_id), 0, 0, count(*),"
            " sum(r.value)")
    t["Par lieu"] = {r[0]: r[1:] for r in q(
        "SELECT ve.name," + ufig + " " + used + " GROUP BY ve.id", args)}
    t["Par thème d’atelier"] = {r[0]: r[1:] for r in q(
        "SELECT ts.theme," + ufig + " " + used + " GROUP BY ts.theme",
        args)}
    s = {}
    row = q("SELECT count(DISTINCT b.beneficiary_id), count(*),"
            " count(*) FILTER (WHERE v.status IN ('redeemed', 'settled')),"
            " count(*) FILTER (WHERE v.status = 'settled'),"
            " count(*) FILTER (WHERE v.status = 'issued'),"
            " count(*) FILTER (WHERE v.status = 'expired'),"
            " count(*) FILTER (WHERE v.status = 'cancelled'),"
            " count(DISTINCT b.beneficiary_id) FILTER (WHERE v.status IN"
            " ('redeemed', 'settled')) " + cohort, args).fetchone()
    (s["people"], s["issued"], s["used"], s["settled"], s["outstanding"],
     s["expired"], s["cancelled"], s["people_using"]) = row
    delays = sorted(max(0, (r[0] - r[1]) // 86400) for r in q(
        "SELECT min(ts.starts_at), b.issued_at " + used +
        " GROUP BY b.id", args))
    s["median"] = delays[(len(delays) - 1) // 2] if delays else -1
    return t, s


def check(path, prog, period, csv_path, page_path, minimum=5):
    db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    lo, hi = period_bounds(period)
    tables, summary = expected(db, int(prog), lo, hi)
    ck = Check()
    raw = open(csv_path, "rb").read()
    ck.true("the CSV starts with a byte order mark",
            raw.startswith(b"\xef\xbb\xbf"))
    lines = raw[3:].decode().split("\r\n")
    ck.eq("CSV header", lines[0], "Programme;Période;Tableau;Libellé;"
          "Personnes;Chèques émis;Montant émis;Chèques utilisés;"
          "Montant utilisé;Taux d’utilisation (%)")
    got = {}
    for line in lines[1:]:
        if not line:
            continue
        f = line.split(";")
        label = f[3]
        if label.startswith('"'):
            label = label.strip('"').replace('""', '"')
        if label.startswith("'"):
            label = label[1:]
        got.setdefault(f[2], {})[label] = f[4:]
    few = "< %d" % minimum
    for name, want in tables.items():
        g = got.get(name)
        if g is None:
            ck.true("CSV: no table %s" % name, not want)
            continue
        total = g.pop("Total", None)
        ck.eq("%s: lines" % name, sorted(g), sorted(want))
        withheld = 0
        by_issue = name not in ("Par lieu", "Par thème d’atelier")
        for label, w in want.items():
            cells = g.get(label)
            if cells is None:
                continue
            people, issued, icents, used, ucents = w
            if cells[0] == few:
                withheld += 1
                ck.true("%s / %s: '< %d' but %d people" % (
                    name, label, minimum, people), 0 < people < minimum)
                ck.true("%s / %s: a withheld line shows a figure" % (
                    name, label), all(c in (few, "") for c in cells))
                continue
            if cells[0] == "secret":
                withheld += 1
                ck.true("%s / %s: 'secret' with %d people" % (
                    name, label, people), people >= minimum)
                continue
            ck.true("%s / %s: %d people shown" % (name, label, people),
                    not 0 < people < minimum)
            want_cells = [str(people),
                          str(issued) if by_issue else "",
                          euros(icents) if by_issue else "",
                          str(used), euros(ucents),
                          rate(used, issued) if by_issue else ""]
            ck.eq("%s / %s" % (name, label), cells, want_cells)
        if total is not None and total[0] not in (few, "secret"):
            ck.true("%s: exactly one line withheld under a total shown" %
                    name, withheld != 1)
            tp = summary["people"] if by_issue else summary["people_using"]
            tu = sum(w[3] for w in want.values())
            ck.eq("%s: total" % name, total[0::3][:2],
                  [str(tp), str(tu)])
    # The page: the summary and the invariant.
    page = open(page_path, encoding="utf-8").read()

    def row(label):
        m = re.search(r'<th scope="row">%s</th><td>(\d+)</td>' %
                      re.escape(label), page)
        return int(m[1]) if m else None
    if summary["people"] >= minimum:
        for label, key in (("Émis", "issued"), ("Utilisés", "used"),
                           ("dont payés aux lieux", "settled"),
                           ("En circulation", "outstanding"),
                           ("Expirés", "expired"),
                           ("Annulés", "cancelled")):
            ck.eq("page: %s" % label, row(label), summary[key])
        ck.true("page: the invariant is checked",
                "Vérifié." in page and summary["issued"] ==
                summary["used"] + summary["outstanding"] +
                summary["expired"] + summary["cancelled"])
        m = re.search(r"Personnes ayant reçu un carnet</dt><dd>(\d+)", page)
        ck.eq("page: people reached", int(m[1]) if m else None,
              summary["people"])
        m = re.search(r"utilisé au moins un chèque</dt><dd>(\d+)", page)
        ck.eq("page: people who used one", int(m[1]) if m else None,
              summary["people_using"])
        m = re.search(r"premier atelier</dt><dd>(\d+) jour", page)
        ck.eq("page: median days", int(m[1]) if m else -1,
              summary["median"])
        m = re.search(r"Taux d’utilisation : <strong>([^<]*)</strong>",
                      page)
        ck.eq("page: use rate", m[1] if m else None,
              rate(summary["used"], summary["issued"]) + "\u00a0%")
    # Never a people cell of 1 to MIN - 1 in the page's tables.
    summary_rows = ("Émis", "Utilisés", "dont payés aux lieux",
                    "En circulation", "Expirés", "Annulés")
    for label, cells in re.findall(
            r'<tr><th scope="row">([^<]*)</th><td>(\d+)</td>', page):
        ck.true("page: %s, a line of %s people shown" % (label, cells),
                label in summary_rows or not 0 < int(cells) < minimum)
    print("# %s %s: %d tables, %d people, %d vouchers, %d used" % (
        prog, period, len(tables), summary["people"], summary["issued"],
        summary["used"]))
    return 1 if ck.failed else 0


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        gen(sys.argv[2])
    else:
        sys.exit(check(*sys.argv[2:]) if len(sys.argv) <= 8 else 2)
