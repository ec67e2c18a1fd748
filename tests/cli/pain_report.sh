#!/bin/sh
# pain report: one self-contained HTML page. On the hand-made diary (a
# flare-up of four days, its calm end, a new one today with a note full of
# HTML) it holds the title and dates, an SVG chart with one bar per logged
# day at its height and the flare-ups shaded, the flare-ups table, the
# figures, every entry with its text escaped, and the footer; it fetches
# nothing; it is written whole; an empty diary makes a page too.
. "$(dirname "$0")/lib.sh"

export TZ=Europe/Berlin
W="$WORLD/out"
NOTE='<script>alert("x")</script> & '"'q'"' <b>not bold</b>, then "mopping"'
TRIGGER='<i>mop</i> & "bucket"'

# check_page FILE DAYS WORST: the page in FILE covers the last DAYS days and
# shows the days of WORST (a Python dict, days ago: level) as its bars;
# further checks come as Python on stdin, with the page as `page`, its text
# as `text` and want(cond, what).
check_page() {
  if ! "$PY" -c '
import datetime, html.parser, re, sys
page = open(sys.argv[1], encoding="utf-8").read()
days, worst = int(sys.argv[2]), eval(sys.argv[3])
today = datetime.date.today()
day = lambda ago: today - datetime.timedelta(days=ago)

def want(cond, what):
    if not cond:
        print("expected " + what)
        sys.exit(1)

class Page(html.parser.HTMLParser):
    VOID = {"meta", "br", "line", "rect", "circle", "path", "img", "hr", "input", "link"}
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.text, self.tags, self.problems = [], [], [], []
    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.stack.append(tag)
    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append("</%s> closes %r" % (tag, self.stack[-1:]))
        else:
            self.stack.pop()
    def handle_data(self, data):
        self.text.append(data)

p = Page()
p.feed(page)
text = " ".join(" ".join(p.text).split())
want(page.startswith("<!DOCTYPE html>\n<html lang=\"en\">"), "an HTML5 page")
want(not p.problems and not p.stack, "every element closed in order: %r %r" % (p.problems, p.stack))
first, last = day(days - 1), today
want("<title>Pain diary, %s to %s</title>" % (first, last) in page, "the title with the dates")
want("%s to %s: %d days" % (first.strftime("%a %Y-%m-%d"), last.strftime("%a %Y-%m-%d"), days) in text,
     "the dates the page covers")
# Nothing fetched: no scripts, links, images, imports or URLs but the SVG namespace.
lowered = page.lower()
want(not re.search(r"<script|<link|<img|<iframe|@import|url\(|src=|href=", lowered),
     "no external resource and no script")
want(re.findall(r"https?://[^\"]*", page) in ([], ["http://www.w3.org/2000/svg"]), "no URL")
want(page.count("<svg") == 1 and page.count("</svg>") == 1, "one SVG chart")
bars = [a for t, a in p.tags if t == "rect" and a.get("class", "").startswith("bar ")]
want(sorted((a["data-date"], int(a["data-level"])) for a in bars) ==
     sorted((str(day(ago)), level) for ago, level in worst.items()),
     "one bar per logged day, with its worst level: %r" % [(a["data-date"], a["data-level"]) for a in bars])
for a in bars:
    level, y, h = int(a["data-level"]), float(a["y"]), float(a["height"])
    want(abs(y + h - 286) < 0.2 and abs(h - max(level * 26.2, 2)) < 0.2,
         "each bar standing on the axis, as high as its level: %r" % a)
ticks = [int(m) for m in re.findall(r"text-anchor=\"end\">(\d+)</text>", page)]
want(ticks == [0, 2, 4, 6, 8, 10], "the axis labelled 0 to 10: %r" % ticks)
want("worst level of the day (0-10)" in text, "the axis named")
want(page.endswith("</footer>\n</body>\n</html>\n") and text.endswith(
    "lumbard is not a medical device: this page shows the person\x27s own entries; it is not a diagnosis."),
     "the footer last")
exec(sys.stdin.read())
' "$1" "$2" "$3" >"$W/page.err" 2>&1; then
    fail "'$LAST_CMD': the page is not what was expected:"
    sed 's/^/    /' "$W/page.err"
  fi
}

start_pain_daemon

# ---- an empty diary ----------------------------------------------------------------------
run 0 pain report -o "$W/empty.html" &&
  expect_exactly "$OUT" "Wrote the report of the last 30 days (0 entries) to $W/empty.html" && expect_empty "$ERR"
check_page "$W/empty.html" 30 '{}' <<'EOF_PY'
want("No entries in these days." in text and "None in these entries." in text, "what the empty diary has")
want(len([a for t, a in p.tags if t == "circle"]) == 30, "a dot for each day without an entry")
EOF_PY

# ---- the hand-made diary ---------------------------------------------------------------------
log_flare_up
"$LUMBARCTL" pain log 9 --where hip-left --trigger "$TRIGGER" --note "$NOTE" --symptom spasm >/dev/null ||
  fail "pain log 9 with the note failed"
WORST='{12: 7, 11: 8, 10: 6, 9: 5, 5: 2, 4: 1, 3: 2, 0: 9}'

run 0 pain report -o "$W/report.html" &&
  expect_exactly "$OUT" "Wrote the report of the last 30 days (8 entries) to $W/report.html" && expect_empty "$ERR"
export NOTE TRIGGER
check_page "$W/report.html" 30 "$WORST" <<'EOF_PY'
import os
note, trigger = os.environ["NOTE"], os.environ["TRIGGER"].lower()
want("<script>" not in page and "<b>not bold" not in page and "<i>mop" not in page,
     "no text of an entry as markup")
want(html.escape(note, quote=True).replace("&#x27;", "&#39;") in page, "the note escaped, whole")
cells = [c for c in p.text if "alert" in c]
want(cells == [note], "the note read back as it was written: %r" % cells)
want(html.escape(trigger, quote=True).replace("&#x27;", "&#39;") in page, "the trigger escaped")
shaded = [a for t, a in p.tags if t == "rect" and a.get("class") == "episode"]
want(len(shaded) == 2, "the two flare-ups shaded in the chart: %r" % shaded)
fmt = lambda ago: day(ago).strftime("%a %Y-%m-%d")
row = lambda *cells: "<tr>" + "".join("<td>%s</td>" % c if i < 2 else "<td class=\"num\">%s</td>" % c
                                      for i, c in enumerate(cells)) + "</tr>"
want(row(fmt(12), fmt(9), "4", "8", "6.5") in page, "the past flare-up: 4 days, worst 8, average 6.5")
want(row(fmt(0), "under way", "1 so far", "9", "9.0") in page, "the flare-up under way")
want("better: the last 7 days average 3.5 against 6.5 the week before (a meaningful change: 2 points or 30 %)" in text.lower(),
     "the trend with its rule")
want("<tr><td>deadlift</td><td class=\"num\">7</td><td class=\"num\">4.4</td></tr>" in page, "pain by trigger")
want("<tr><td>lower back, left</td><td class=\"num\">7</td><td class=\"num\">4.4</td></tr>" in page, "pain by place")
want("not enough data yet: it needs 3 training sessions of each kind" in text.lower(), "the warm-up comparison")
want("This week (the last 7 days) 4 entries, average 3.5, worst 9" in text, "the week")
want("This month (the last 30 days) 8 entries, average 5.0, worst 9" in text, "the month")
entries = [a for t, a in p.tags if t == "tr" and "data-id" in a]
want(len(entries) == 8, "a row per entry: %d" % len(entries))
want(re.search(r"<td>[A-Z][a-z]{2} %s 12:00</td><td><span class=\"lvl\">7</span>" % day(12), page),
     "an entry with its time and level")
EOF_PY

# Only the days asked for.
run 0 pain report -o "$W/week.html" --days 7 &&
  expect_exactly "$OUT" "Wrote the report of the last 7 days (4 entries) to $W/week.html"
check_page "$W/week.html" 7 '{5: 2, 4: 1, 3: 2, 0: 9}' <<'EOF_PY'
want(len([a for t, a in p.tags if t == "rect" and a.get("class") == "episode"]) == 1,
     "only the flare-up of these days shaded")
EOF_PY

# --json; a relative path; -o - prints the page.
(cd "$W" && "$LUMBARCTL" --json pain report --output rel.html --days 14) >"$OUT" 2>"$ERR"
LAST_CMD="(cd $W && lumbarctl --json pain report --output rel.html --days 14)"
expect_json "$OUT" "v == {\"path\": \"$W/rel.html\", \"days\": 14, \"entries\": 8, \"logged_days\": 8, \"bytes\": $(wc -c <"$W/rel.html")}"
run 0 pain report -o - && check_page "$OUT" 30 "$WORST" </dev/null

# Written whole: over an old file, nothing left beside it; a directory that
# does not exist is an error, and nothing is written.
printf 'old\n' >"$W/report.html"
run 0 pain report -o "$W/report.html"
check_page "$W/report.html" 30 "$WORST" </dev/null
LAST_CMD="lumbarctl pain report -o $W/report.html (over an old file)"
[ -z "$(find "$W" -name 'report.html.*')" ] || fail "$LAST_CMD: expected no temporary file left; found: $(find "$W" -name 'report.html.*')"
run 1 pain report -o "$W/missing/report.html" &&
  expect_exactly "$ERR" "lumbarctl: pain report: cannot write $W/missing/report.html: No such file or directory" &&
  expect_empty "$OUT"

# ---- red flags first, symptoms in words, the sessions compared, the order -------------------
# A training session (three sets timed, no warm-up), then red flags after it;
# a second after the entries before, so that none shares its first second.
sleep 1.1
for set in 1 2 3; do
  "$LUMBARCTL" --json rest start 60 --sets 3 --set "$set" >"$W/rest.json" || fail "rest start --set $set failed"
  "$LUMBARCTL" rest cancel "$(sed -n 's/^  "id": \([0-9]*\),*$/\1/p' "$W/rest.json")" >/dev/null
done
"$LUMBARCTL" --json pain log 4 --where lower-back-right --symptom night-pain,stiffness \
  --note "woke at 3" >"$W/flag1.json" 2>/dev/null || fail "pain log 4 with night-pain failed"
"$LUMBARCTL" --json pain log 3 --symptom saddle-numbness,fever,radiating >"$W/flag2.json" 2>/dev/null ||
  fail "pain log 3 with saddle-numbness failed"
FLAGGED="$("$PY" -c 'import json, sys; print(" ".join(str(json.load(open(f))["id"]) for f in sys.argv[1:]))' "$W/flag1.json" "$W/flag2.json")"
export FLAGGED
WORST='{12: 7, 11: 8, 10: 6, 9: 5, 5: 2, 4: 1, 3: 2, 0: 9}'
run 0 pain report -o "$W/flags.html" &&
  expect_exactly "$OUT" "Wrote the report of the last 30 days (10 entries) to $W/flags.html"
check_page "$W/flags.html" 30 "$WORST" <<'EOF_PY'
import os
flagged = [int(i) for i in os.environ["FLAGGED"].split()]
# the red flags first: framed, before the chart, newest first, each with urgent care
box = page.index("<section class=\"red-flags\">")
want(box < page.index("<section class=\"chart\">") and box < page.index("<h1>") + 600,
     "the red flags first, right after the header")
want(re.search(r"\.red-flags\{border:3px solid #c8413b", page), "the red flags framed")
section = page[box:page.index("</section>", box)]
flags = [int(i) for i in re.findall(r"<div class=\"flag\" data-id=\"(\d+)\">", section)]
want(flags == flagged[::-1], "one framed item per entry with a red flag, newest first: %r" % flags)
plain = lambda h: " ".join(html.unescape(re.sub(r"<[^>]*>", " ", h)).split())
items = [plain(b) for b in re.findall(r"<div class=\"flag\"[^>]*>(.*?)</div>", section)]
urgent = ("This needs urgent medical care: go to an emergency department or call your local "
          "emergency number, whatever the figures here say.")
want(re.fullmatch(r"[A-Z][a-z]{2} \d{4}-\d\d-\d\d \d\d:\d\d, level 3/10: numbness around the groin "
                  r"or saddle area, fever with the back pain\. " + re.escape(urgent), items[0]),
     "the newest red flag, its symptoms in words and the urgent-care advice: %r" % items[0])
want(re.fullmatch(r"[A-Z][a-z]{2} \d{4}-\d\d-\d\d \d\d:\d\d, level 4/10, lower back, right: night "
                  r"pain \(it wakes you, or does not ease with rest\)\. " + re.escape(urgent), items[1]),
     "the place, and no ordinary symptom among the red flags: %r" % items[1])
want("lumbard cannot tell what is wrong; a doctor can" in plain(section), "no diagnosis")
# symptoms in words in the entries, never the keys; red-flag rows marked
want(not re.search(r"saddle-numbness|night-pain|weight-loss|bladder-bowel|leg-weakness", page),
     "no symptom key on the page")
rows = re.findall(r"<tr data-id=\"(\d+)\"( class=\"flag\")?>", page)
want(sorted(int(i) for i, f in rows if f) == sorted(flagged), "the red-flag rows marked: %r" % rows)
want("<span class=\"sym\">numbness around the groin or saddle area</span>, "
     "<span class=\"sym\">fever with the back pain</span>, pain down a leg" in page,
     "the symptoms of an entry in words, red flags marked: %s" % re.findall(r"<td>[^<]*<span class=.sym.*?</td>", page))
# entries newest first by default
at = [int(i) for i, _ in rows]
want(at[:2] == flagged[::-1], "newest first: %r" % at)
want("Newest first." in text, "the order said")
# the sessions the warm-up comparison looked at
want(re.search(r"<table class=\"sessions\"><tr><th>session</th><th>sets</th><th>warm-up</th>"
               r"<th>pain after \(average\)</th><th>entries after</th></tr>\n<tr><td>[A-Z][a-z]{2} "
               r"\d{4}-\d\d-\d\d \d\d:\d\d</td><td class=\"num\">3</td><td>no warm-up</td><td "
               r"class=\"num\">3\.5</td><td class=\"num\">2</td></tr>\n</table>", page),
     "the session: 3 sets, no warm-up, pain 3.5 from 2 entries: %s"
     % re.findall(r"<table class=.sessions.*?</table>", page, re.S))
want("A training session is the sets lumbard timed" in text, "what a session is")
EOF_PY

# --oldest-first
run 0 pain report -o "$W/oldest.html" --oldest-first
check_page "$W/oldest.html" 30 "$WORST" <<'EOF_PY'
import os
rows = [int(i) for i in re.findall(r"<tr data-id=\"(\d+)\"", page)]
want(rows[-2:] == [int(i) for i in os.environ["FLAGGED"].split()] and len(rows) == 10,
     "oldest first, the newest last: %r" % rows)
flags = [int(i) for i in re.findall(r"<div class=\"flag\" data-id=\"(\d+)\">", page)]
want(flags == [int(i) for i in os.environ["FLAGGED"].split()], "the red flags oldest first too")
want("Oldest first." in text, "the order said")
EOF_PY

# -o names an HTML file: another extension is refused, and nothing written.
run 2 pain report -o "$W/back.pdf" &&
  expect_in "$ERR" "lumbarctl pain report: -o $W/back.pdf: the report is an HTML page; give a name ending in .html or .htm (or -o - to print it)" &&
  expect_empty "$OUT"
LAST_CMD="lumbarctl pain report -o $W/back.pdf"
[ ! -e "$W/back.pdf" ] || fail "$LAST_CMD: expected no back.pdf written"
run 0 pain report -o "$W/REPORT.HTM" && check_page "$W/REPORT.HTM" 30 "$WORST" </dev/null

# Streams: /dev/stdout and /dev/fd/N get the page, as pain export -o does.
run 0 pain report -o /dev/stdout && check_page "$OUT" 30 "$WORST" </dev/null && expect_empty "$ERR"
"$LUMBARCTL" pain report -o /dev/fd/3 3>"$W/fd3.html" >"$OUT" 2>"$ERR"
LAST_CMD="lumbarctl pain report -o /dev/fd/3 3>fd3.html"
expect_empty "$OUT" && expect_empty "$ERR" && check_page "$W/fd3.html" 30 "$WORST" </dev/null
mkfifo "$W/fifo"
timeout 20 cat "$W/fifo" >"$W/from-fifo.html" &
CAT=$!
run 0 pain report -o "$W/fifo"
wait "$CAT" || fail "lumbarctl pain report -o FIFO: its reader saw no end within 20 s"
[ -p "$W/fifo" ] || fail "lumbarctl pain report -o FIFO: expected the FIFO left a FIFO"
check_page "$W/from-fifo.html" 30 "$WORST" </dev/null

finish
