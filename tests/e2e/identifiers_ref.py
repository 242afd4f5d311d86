"""identifiers_ref.py -- passnum's SIRET, IBAN and BIC checks against
python-stdnum, the reference, on generated identifiers valid and mutated.

    identifiers_ref.py PN_IDCHECK COUNT SEED

Generates COUNT identifiers of each kind (half built valid, half mutated),
asks pn-idcheck and stdnum about each, and prints TAP lines: one per kind
for "no disagreement left unexplained", and a "#" line per explained kind
of disagreement with its count and reason. Exit 1 on any unexplained one.
"""
import random
import subprocess
import sys

from stdnum import bic as std_bic
from stdnum import iban as std_iban
from stdnum import luhn, numdb
from stdnum.exceptions import ValidationError, InvalidComponent
from stdnum.exceptions import InvalidFormat
from stdnum.fr import siret as std_siret

DIGITS = "0123456789"
UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ALNUM = DIGITS + UPPER

# The SEPA countries with IBANs of their own (lib/bankid.c's table).
SEPA_IBAN = ("AD AL AT BE BG CH CY CZ DE DK EE ES FI FR GB GI GR HR HU IE IS "
             "IT LI LT LU LV MC MD ME MK MT NL NO PL PT RO RS SE SI SK SM "
             "VA").split()
# And the territories whose BICs carry their own code.
SEPA_BIC = SEPA_IBAN + "AX BL GF GG GP IM JE MF MQ PM RE YT".split()

# pn_id_status numbers (include/passnum/bankid.h).
EMPTY, BAD_CHAR, LENGTH, CHECK, COUNTRY = 1, 2, 3, 4, 5


def luhn_key(digits):
    return luhn.calc_check_digit(digits)


def siret_valid(rng):
    if rng.random() < 0.1:
        # La Poste: the 14 digits add up to a multiple of 5.
        body = "356000000" + "".join(rng.choice(DIGITS) for _ in range(4))
        for d in DIGITS:
            if sum(map(int, body + d)) % 5 == 0:
                return body + d
    siren = "".join(rng.choice(DIGITS) for _ in range(8))
    siren += luhn_key(siren)
    body = siren + "".join(rng.choice(DIGITS) for _ in range(4))
    return body + luhn_key(body)


def siret_other(rng):
    """Identifiers passnum used to take: 14 digits passing Luhn whatever
    their SIREN (the issue's 4,393 of 12,002), and plain random ones."""
    body = "".join(rng.choice(DIGITS) for _ in range(13))
    if rng.random() < 0.5:
        return body + luhn_key(body)
    return body + rng.choice(DIGITS)


def bban_from(structure, rng):
    out = []
    for part in std_iban._struct_re.finditer(structure):
        n, kind = int(part.group(1)), part.group(2)
        pool = {"n": DIGITS, "a": UPPER, "c": ALNUM}[kind]
        out.append("".join(rng.choice(pool) for _ in range(n)))
    return "".join(out)


BE_BANKS = None


def be_bank(rng):
    """A bank code of the National Bank of Belgium's register, as stdnum
    knows it (stdnum refuses the others; passnum does not carry it)."""
    global BE_BANKS
    if BE_BANKS is None:
        BE_BANKS = ["%03d" % i for i in range(1000)
                    if numdb.get("be/banks").info("%03d" % i)[0][1]]
    return rng.choice(BE_BANKS)


def es_digit(ten):
    c = sum(int(n) * 2 ** i for i, n in enumerate(ten)) % 11
    return str(c if c < 2 else 11 - c)


def national(cc, bban, rng):
    """The BBAN with its national check digits made right."""
    if cc == "ES":
        return (bban[:8] + es_digit("00" + bban[:8]) +
                es_digit(bban[10:]) + bban[10:])
    if cc == "BE":
        body = be_bank(rng) + bban[3:10]
        return body + "%02d" % (int(body) % 97 or 97)
    if cc == "ME":
        body = bban[:16]
        return body + "%02d" % ((1 - int(body) * 100) % 97)
    if cc == "NO":
        w = (6, 7, 8, 9, 4, 5, 6, 7, 8, 9)
        for _ in range(100):
            s = sum(a * int(b) for a, b in zip(w, bban[:10])) % 11
            if s < 10:
                return bban[:10] + str(s)
            bban = bban_from("4!n6!n1!n", rng)
    return bban


def with_check(cc, bban):
    return cc + std_iban.calc_check_digits(cc + "00" + bban) + bban


def iban_valid(rng):
    cc = rng.choice(SEPA_IBAN)
    structure = std_iban._ibandb.info(cc)[0][1]["bban"]
    return with_check(cc, national(cc, bban_from(structure, rng), rng))


def iban_other(rng):
    """A mod 97 made right over a mistyped account number (the national
    digits then catch it), or a plain random BBAN."""
    cc = rng.choice(SEPA_IBAN)
    structure = std_iban._ibandb.info(cc)[0][1]["bban"]
    return with_check(cc, bban_from(structure, rng))


def bic_valid(rng):
    s = "".join(rng.choice(UPPER) for _ in range(4)) + rng.choice(SEPA_BIC)
    s += "".join(rng.choice(ALNUM) for _ in range(2))
    if rng.random() < 0.5:
        s += "".join(rng.choice(ALNUM) for _ in range(3))
    return s


def mutate(s, rng, pool):
    """One typing error: a character changed, two swapped, one dropped or
    doubled, a letter's case, spaces."""
    r = rng.random()
    i = rng.randrange(len(s))
    if r < 0.4:
        return s[:i] + rng.choice(pool) + s[i + 1:]
    if r < 0.65 and i + 1 < len(s):
        return s[:i] + s[i + 1] + s[i] + s[i + 2:]
    if r < 0.75:
        return s[:i] + s[i + 1:]
    if r < 0.85:
        return s[:i] + s[i] + s[i:]
    if r < 0.93:
        return s.lower()
    return " ".join(s[j:j + 4] for j in range(0, len(s), 4))


def std_answer(kind, text):
    """(valid, exception class name) from stdnum."""
    mod = {"siret": std_siret, "iban": std_iban, "bic": std_bic}[kind]
    try:
        mod.validate(text)
        return True, None
    except ValidationError as e:
        return False, type(e).__name__


def explain(kind, text, ours, theirs, why):
    """The documented reason for a disagreement, or None."""
    c = text.replace(" ", "").upper()
    ours_ok = ours.startswith("ok ")
    status = None if ours_ok else int(ours.split()[1])
    if kind == "iban":
        if (not ours_ok and status == CHECK and theirs and
                c[2:4] in ("00", "01", "99")):
            return ("check digits 00, 01 and 99 are never issued (ISO "
                    "13616 computes 02 to 98); stdnum takes their mod-97 "
                    "equivalents 97, 98 and 02")
        if (not ours_ok and status == BAD_CHAR and theirs and
                not c[2:4].isdigit()):
            return ("a letter among the check digits: ISO 13616 makes "
                    "them two digits; stdnum's mod 97 reads the letter as "
                    "a number")
        if ours_ok and why == "InvalidComponent" and c.startswith("BE"):
            return ("Belgian bank code not in the National Bank of "
                    "Belgium's register that stdnum carries; passnum checks "
                    "the national check digits, not the register")
        if ours_ok and why == "InvalidFormat":
            return ("a letter where the country's BBAN format has a digit "
                    "(or the reverse): passnum checks length, letters and "
                    "digits, mod 97 and the national digits of ES, BE, ME, NO, "
                    "not each country's BBAN layout")
    if kind == "bic":
        if not ours_ok and status == COUNTRY and theirs:
            return ("country outside the SEPA scheme: the Département "
                    "pays by SEPA transfer only")
    return None


def main():
    tool, count, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(seed)
    cases = []
    makers = {
        "siret": (siret_valid, siret_other, DIGITS),
        "iban": (iban_valid, iban_other, ALNUM),
        "bic": (bic_valid, bic_valid, ALNUM),
    }
    for kind, (valid, other, pool) in makers.items():
        for n in range(count):
            r = n % 4
            if r == 0:
                s = valid(rng)
            elif r == 1:
                s = other(rng)
            else:
                s = mutate(valid(rng), rng, pool)
            cases.append((kind, s))
    text = "".join("%s %s\n" % c for c in cases)
    res = subprocess.run([tool], input=text, capture_output=True,
                         text=True, check=True)
    answers = res.stdout.splitlines()
    assert len(answers) == len(cases), "pn-idcheck answered %d of %d" % (
        len(answers), len(cases))
    failed = 0
    n = 0
    for kind in makers:
        explained = {}
        unexplained = []
        agree_ok = agree_bad = 0
        for (k, s), ours in zip(cases, answers):
            if k != kind:
                continue
            theirs, why = std_answer(kind, s)
            if ours.startswith("ok ") == theirs:
                if theirs:
                    agree_ok += 1
                    # Same canonical form.
                    if ours[3:] != s.replace(" ", "").upper():
                        unexplained.append((s, ours, theirs, "canonical"))
                else:
                    agree_bad += 1
                continue
            reason = explain(kind, s, ours, theirs, why)
            if reason is None:
                unexplained.append((s, ours, theirs, why))
            else:
                explained[reason] = explained.get(reason, 0) + 1
        n += 1
        print("# %s: %d accepted by both, %d refused by both" %
              (kind, agree_ok, agree_bad))
        for reason, c in sorted(explained.items()):
            print("# %s: %d explained: %s" % (kind, c, reason))
        for s, ours, theirs, why in unexplained[:10]:
            print("# %s %r: passnum %s, stdnum %s (%s)" %
                  (kind, s, ours, "ok" if theirs else "refuses", why))
        if unexplained or agree_ok < count // 8 or agree_bad < count // 8:
            print("not ok %d - %s: %d identifiers, %d unexplained "
                  "disagreements" % (n, kind, count, len(unexplained)))
            failed = 1
        else:
            print("ok %d - %s: %d identifiers, passnum agrees with stdnum "
                  "or the reason is documented" % (n, kind, count))
    print("1..%d" % n)
    return failed


if __name__ == "__main__":
    sys.exit(main())
