#!/bin/sh
# Smoke check of an installed (or just built) program, as the user who will use it:
#   init, demo, print agreement, check, and the window started offscreen up to its first window.
# Used by packaging/old_glibc.py in a clean chroot; by hand:
#   XD=dist/xihu-desk/xihu-desk XG=dist/xihu-desk/XihuDesk sh packaging/smoke.sh
set -eu
XD=${XD:-xihu-desk}
XG=${XG:-/opt/xihu-desk/XihuDesk}
WORK=${WORK:-${HOME:-/tmp}/xihu-desk-smoke}
rm -rf "$WORK"; mkdir -p "$WORK"; cd "$WORK"
step() { printf '== %s\n' "$*"; }
now() { date +%s.%N; }
since() { echo "$(now) $1" | awk '{printf "%.2f s", $1 - $2}'; }

printf 'Smoke-Check-2026!\n' > pw.txt
step init;  t=$(now); "$XD" --data-dir d init --org 330106002 --level township --admin wang --password-file pw.txt >/dev/null; echo "   $(since "$t")"
step demo;  t=$(now); "$XD" --data-dir d demo --cases 12 --seed 7 >/dev/null; echo "   $(since "$t")"
no=$("$XD" --data-dir d case list --json | grep '"agreement_form": "written"' | head -n 1 | sed 's/.*"case_no": "\([^"]*\)".*/\1/')
[ -n "$no" ] || { echo "no case with a written agreement in the demo data"; exit 1; }
step "print agreement $no"; t=$(now); "$XD" --data-dir d print agreement "$no" -o agreement.pdf; echo "   $(since "$t")"
head -c 5 agreement.pdf | grep -q '%PDF-' || { echo "agreement.pdf is not a PDF"; exit 1; }
echo "   agreement.pdf: $(wc -c < agreement.pdf) bytes"
step check; "$XD" --data-dir d check
step "window (offscreen) up to the login window"
t=$(now); out=$(QT_QPA_PLATFORM=offscreen "$XG" --data-dir d --startup-check); echo "   $out, $(since "$t") from start to exit"
echo "$out" | grep -q LoginDialog || { echo "the login window did not open"; exit 1; }
step "all passed"
