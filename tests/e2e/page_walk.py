#!/usr/bin/env python3
# page_walk.py -- walk every page a role reaches and check its French.
#
# Usage: page_walk.py URL ROLE LOGIN PASSWORD OUTDIR [EXTRA_PATH...]
#        page_walk.py --self-test
#
# Logs in through /connexion as a browser does, then follows every
# same-site link and submits every GET form with its default values
# (breadth first, from the role's home and the EXTRA_PATHs: the known
# routes no link may lead to), up to MAX_PAGES. Every HTML page's visible
# text (not attributes, URLs or fields' values) and every PDF's text
# (pdftotext) is checked for:
#   - "(s)" or "(x)": a plural the program did not choose;
#   - an ISO date (2026-11-12): dates are written 12/11/2026;
#   - an English word of ENGLISH in French text.
# Exceptions, each for its reason: the contents of a <details> whose
# summary is "Détails techniques" (shown to admins only, English on
# purpose), of <code> (request references, hashes, identifiers) and of
# any element marked lang="en" (a quoted English cause, marked for screen
# readers); CSV files are data for spreadsheets and are not read.
#
# Prints one TAP-like line per finding ("FINDING role url: ...") and a
# last line "WALKED n pages, m findings"; exits 1 on a finding.
import html.parser
import http.cookiejar
import re
import subprocess
import sys
import urllib.parse
import urllib.request

MAX_PAGES = 400
# Queries of one path followed at most: months and pages go on forever.
MAX_PER_PATH = 4
ENGLISH = ["error", "failed", "not found", "invalid", "missing", "the",
           "and", "voucher", "vouchers", "booklet", "booklets", "venue",
           "session", "batch", "pending", "none", "null", "true", "false",
           "unknown", "forbidden", "internal", "request"]
ENGLISH_RE = re.compile(r"(?<![\w-])(" + "|".join(
    re.escape(w) for w in ENGLISH) + r")(?![\w-])", re.IGNORECASE)
# Not inside a reference: a batch is named "PN-2026-11-01".
ISO_RE = re.compile(r"(?<![\w-])\d{4}-\d{2}-\d{2}(?![\w-])")
PLURAL_RE = re.compile(r"\((s|x)\)")
# Never followed: they change state or end the walk's session.
SKIP = ("/deconnexion",)


class Page(html.parser.HTMLParser):
    """Links, GET forms and visible text of one page."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input",
            "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links = []
        self.forms = []
        self.form = None
        self.select = None
        self.text = []
        self.stack = []        # (tag, hidden) of open elements
        self.hidden_depth = 0  # > 0: inside an excepted element
        self.summary = None    # the text of a <summary> being read

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "form":
            self.form = {"method": (a.get("method") or "get").lower(),
                         "action": a.get("action") or "", "fields": []}
            self.forms.append(self.form)
        if self.form is not None and tag in ("input", "textarea") and \
                a.get("name"):
            t = (a.get("type") or "text").lower()
            if t in ("checkbox", "radio") and "checked" not in a:
                pass
            elif t not in ("submit", "button", "file", "image"):
                self.form["fields"].append([a["name"], a.get("value", "")])
        if self.form is not None and tag == "select" and a.get("name"):
            self.select = [a["name"], None]
            self.form["fields"].append(self.select)
        if tag == "option" and self.select is not None:
            if self.select[1] is None or "selected" in a:
                self.select[1] = a.get("value", "")
        if tag in self.VOID:
            return
        hide = tag in ("code", "script", "style", "svg") or \
            a.get("lang", "fr").startswith("en") or tag == "details"
        self.stack.append((tag, hide))
        if hide:
            self.hidden_depth += 1
        if tag == "summary":
            self.summary = []

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        if tag == "select":
            self.select = None
        if tag == "summary" and self.summary is not None:
            s = "".join(self.summary).strip()
            self.summary = None
            # A <details> other than the admins' technical details is
            # read like the rest of the page: undo its hiding.
            if s != "Détails techniques":
                for i in range(len(self.stack) - 1, -1, -1):
                    if self.stack[i][0] == "details" and self.stack[i][1]:
                        self.stack[i] = ("details", False)
                        self.hidden_depth -= 1
                        break
                self.text.append(s)
        while self.stack:
            t, hide = self.stack.pop()
            if hide:
                self.hidden_depth -= 1
            if t == tag:
                break

    def handle_data(self, data):
        if self.summary is not None:
            self.summary.append(data)
            return
        if self.hidden_depth == 0:
            self.text.append(data)


def check_text(text):
    """The findings of one text, as short strings."""
    out = []
    text = re.sub(r"\s+", " ", text)
    for rx, what in ((PLURAL_RE, "a plural left open"),
                     (ISO_RE, "an ISO date"),
                     (ENGLISH_RE, "an English word")):
        for m in rx.finditer(text):
            lo, hi = max(0, m.start() - 40), min(len(text), m.end() + 40)
            out.append("%s « %s » in « …%s… »" % (what, m.group(0),
                                                  text[lo:hi]))
    return out


def self_test():
    """The checks catch what they must and spare what they may."""
    bad = ["1 chèque(s)", "3 lieu(x)", "Payé le 2026-11-12",
           "Voucher not found", "invalid month", "the batch"]
    good = ["1 chèque, 3 lieux", "Payé le 12/11/2026", "Lot PN-2026-11-01",
            "Séance du 06/12/2026", "Standard", "theme"]
    page = Page()
    page.feed('<p>Lieu</p><code>2026-11-12</code><span lang="en">the '
              'error</span><details><summary>Détails techniques</summary>'
              '<p>missing field</p></details><details><summary>Retenir'
              '</summary><p>chèque(s)</p></details><input value="the">')
    ok = all(check_text(t) for t in bad) and \
        not any(check_text(t) for t in good) and \
        len(check_text(" ".join(page.text))) == 1
    print("SELF-TEST %s" % ("ok" if ok else "FAILED"))
    return 0 if ok else 1


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    base, role, login, password, outdir = sys.argv[1:6]
    extra = sys.argv[6:]
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("Accept", "text/html,application/xhtml+xml,"
                          "*/*;q=0.8")]

    def fetch(url, data=None):
        try:
            r = opener.open(url, data=data, timeout=30)
            return r.status, r.headers.get("Content-Type", ""), r.read(), \
                r.geturl()
        except urllib.error.HTTPError as e:
            return e.code, e.headers.get("Content-Type", ""), e.read(), url

    st, _, body, _ = fetch(base + "/connexion")
    p = Page()
    p.feed(body.decode("utf-8", "replace"))
    fields = {}
    for f in p.forms:
        for name, value in f["fields"]:
            fields[name] = value or ""
    fields["login"] = login
    fields["password"] = password
    st, _, body, home = fetch(base + "/connexion",
                              urllib.parse.urlencode(fields).encode())
    if st != 200 or "/connexion" in urllib.parse.urlsplit(home).path:
        print("FINDING %s /connexion: the login failed (%d)" % (role, st))
        print("WALKED 0 pages, 1 findings")
        return 1
    home = urllib.parse.urlsplit(home).path
    queue = [home] + extra
    seen = set(queue)
    per_path = {}
    findings = 0
    n = 0
    while queue and n < MAX_PAGES:
        path = queue.pop(0)
        st, ctype, body, _ = fetch(base + path)
        n += 1
        if st >= 500:
            print("FINDING %s %s: status %d" % (role, path, st))
            findings += 1
        if ctype.startswith("application/pdf"):
            fn = "%s/walk-%s-%d.pdf" % (outdir, role, n)
            with open(fn, "wb") as fh:
                fh.write(body)
            try:
                text = subprocess.run(["pdftotext", "-enc", "UTF-8", fn,
                                       "-"], capture_output=True,
                                      check=False).stdout.decode()
            except OSError:
                text = ""
            for f in check_text(text):
                print("FINDING %s %s (PDF): %s" % (role, path, f))
                findings += 1
            continue
        if not ctype.startswith("text/html"):
            continue
        p = Page()
        p.feed(body.decode("utf-8", "replace"))
        for f in check_text(" ".join(p.text)):
            print("FINDING %s %s: %s" % (role, path, f))
            findings += 1
        nexts = []
        for href in p.links:
            nexts.append(urllib.parse.urljoin(path, href))
        for f in p.forms:
            if f["method"] != "get":
                continue
            action = urllib.parse.urljoin(path, f["action"] or path)
            q = urllib.parse.urlencode([(k, v or "") for k, v in
                                        f["fields"]])
            nexts.append(action.split("?")[0] + ("?" + q if q else ""))
        for u in nexts:
            s = urllib.parse.urlsplit(u)
            if s.scheme or s.netloc or not s.path.startswith("/"):
                continue
            if s.path in SKIP or s.path.endswith(".csv"):
                continue
            u = s.path + ("?" + s.query if s.query else "")
            if s.query and per_path.get(s.path, 0) >= MAX_PER_PATH:
                continue
            if u not in seen:
                per_path[s.path] = per_path.get(s.path, 0) + 1
                seen.add(u)
                queue.append(u)
    print("WALKED %d pages, %d findings" % (n, findings))
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
